package org.quipu.node;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.quipu.store.StateWriter;

/**
 * Every setting of a node, from MicroProfile Config: environment variables such as {@code
 * QUIPU_NODE_ID} map to {@code quipu.node.id}. Defaults live in {@code
 * META-INF/microprofile-config.properties}.
 */
@ApplicationScoped
public class NodeConfig {

  @Inject
  @ConfigProperty(name = "quipu.node.id")
  String nodeId;

  @Inject
  @ConfigProperty(name = "quipu.node.address")
  Optional<String> address;

  @Inject
  @ConfigProperty(name = "quipu.admin.password")
  Optional<String> adminPassword;

  @Inject
  @ConfigProperty(name = "quipu.token.ttl.seconds")
  long tokenTtlSeconds;

  @Inject
  @ConfigProperty(name = "quipu.limits.body.bytes")
  int maxBodyBytes;

  @Inject
  @ConfigProperty(name = "quipu.limits.batch.messages")
  int maxBatchMessages;

  @Inject
  @ConfigProperty(name = "quipu.commit.max.batch")
  int maxCommitBatch;

  @Inject
  @ConfigProperty(name = "quipu.memory.high.watermark")
  double memoryHighWatermark;

  @Inject
  @ConfigProperty(name = "quipu.cache.contents.bytes")
  long contentCacheBytes;

  @Inject
  @ConfigProperty(name = "quipu.state.writer")
  String stateWriter;

  @Inject
  @ConfigProperty(name = "quipu.log.retain.entries")
  long logRetainEntries;

  @Inject
  @ConfigProperty(name = "quipu.replication.appends.in.flight")
  int appendsInFlight;

  @Inject
  @ConfigProperty(name = "quipu.snapshot.dir")
  Optional<String> snapshotDir;

  /** ZooKeeper's connect string; unset, the node leads alone (a fixed grant of epoch 1). */
  @Inject
  @ConfigProperty(name = "quipu.zk.connect")
  Optional<String> zkConnect;

  /** The ZooKeeper session timeout: how soon a dead leader's latch is given to another node. */
  @Inject
  @ConfigProperty(name = "quipu.zk.session.timeout.ms", defaultValue = "1250")
  int zkSessionTimeoutMs;

  /** host:port of this node's gRPC server for its peers; unset, the node serves none. */
  @Inject
  @ConfigProperty(name = "quipu.grpc.address")
  Optional<String> grpcAddress;

  /** The secret every node-to-node call carries; required with a gRPC address. */
  @Inject
  @ConfigProperty(name = "quipu.cluster.secret")
  Optional<String> clusterSecret;

  /**
   * Mutual TLS between nodes: this node's certificate (QUIPU_GRPC_TLS_CERT), its private key
   * (QUIPU_GRPC_TLS_KEY) and the cluster CA's certificate (QUIPU_GRPC_TLS_CA), PEM files; all
   * three or none.
   */
  @Inject
  @ConfigProperty(name = "quipu.grpc.tls.cert")
  Optional<String> grpcTlsCert;

  @Inject
  @ConfigProperty(name = "quipu.grpc.tls.key")
  Optional<String> grpcTlsKey;

  @Inject
  @ConfigProperty(name = "quipu.grpc.tls.ca")
  Optional<String> grpcTlsCa;

  /** The PEM files of mutual TLS between nodes: see {@link #grpcTls}. */
  public record TlsFiles(Path certificate, Path key, Path ca) {}

  /**
   * The replication group, QUIPU_GROUP_MEMBERS: {@code id@host:port} (each member's gRPC address)
   * separated by commas, this node among them. Unset, the node is a group of one. A majority of
   * this list — never of the members alive — commits.
   */
  @Inject
  @ConfigProperty(name = "quipu.group.members")
  Optional<String> groupMembers;

  /**
   * The group's members, id to gRPC address, in the configured order; just this node when unset.
   *
   * @throws IllegalStateException when the list is malformed or does not name this node
   */
  public Map<String, String> groupMembers() {
    Map<String, String> members = new LinkedHashMap<>();
    String list = groupMembers.filter(s -> !s.isBlank()).orElse(null);
    if (list == null) {
      members.put(nodeId, grpcAddress().orElse(""));
      return members;
    }
    for (String item : list.split(",")) {
      String member = item.strip();
      int at = member.indexOf('@');
      if (at <= 0 || at == member.length() - 1 || members.put(member.substring(0, at),
          member.substring(at + 1)) != null) {
        throw new IllegalStateException("QUIPU_GROUP_MEMBERS is a list of distinct "
            + "id@host:port, not: " + list);
      }
    }
    if (!members.containsKey(nodeId)) {
      throw new IllegalStateException("QUIPU_GROUP_MEMBERS does not name this node, " + nodeId);
    }
    return members;
  }

  public Optional<String> grpcAddress() {
    return grpcAddress.filter(s -> !s.isBlank());
  }

  /**
   * The files of mutual TLS between nodes, or empty when none of the three settings is set (the
   * nodes then talk in plaintext).
   *
   * @throws IllegalStateException when some of the three are set but not all: a node that
   *     silently fell back to plaintext would be refused by, or expose, every peer
   */
  public Optional<TlsFiles> grpcTls() {
    Map<String, Optional<String>> settings = new LinkedHashMap<>();
    settings.put("QUIPU_GRPC_TLS_CERT", grpcTlsCert.filter(s -> !s.isBlank()));
    settings.put("QUIPU_GRPC_TLS_KEY", grpcTlsKey.filter(s -> !s.isBlank()));
    settings.put("QUIPU_GRPC_TLS_CA", grpcTlsCa.filter(s -> !s.isBlank()));
    List<String> missing = settings.entrySet().stream()
        .filter(setting -> setting.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    if (missing.size() == settings.size()) {
      return Optional.empty();
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("mutual TLS between nodes needs all of "
          + String.join(", ", settings.keySet()) + ", or none; missing: "
          + String.join(", ", missing));
    }
    return Optional.of(new TlsFiles(Path.of(grpcTlsCert.get()), Path.of(grpcTlsKey.get()),
        Path.of(grpcTlsCa.get())));
  }

  public Optional<String> clusterSecret() {
    return clusterSecret.filter(s -> !s.isBlank());
  }

  public Optional<String> zkConnect() {
    return zkConnect.filter(s -> !s.isBlank());
  }

  public int zkSessionTimeoutMs() {
    return zkSessionTimeoutMs;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The node's own HTTP base URL as others reach it (QUIPU_NODE_ADDRESS), if configured. */
  public Optional<String> address() {
    return address.filter(a -> !a.isBlank());
  }

  public Optional<String> adminPassword() {
    return adminPassword.filter(p -> !p.isBlank());
  }

  public long tokenTtlMillis() {
    return tokenTtlSeconds * 1000;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public int maxBatchMessages() {
    return maxBatchMessages;
  }

  public int maxCommitBatch() {
    return maxCommitBatch;
  }

  /** How the applier writes the state tables: JDBC batches from the mapping, or JPA. */
  public StateWriter stateWriter() {
    return StateWriter.parse(stateWriter);
  }

  /**
   * How many entries the log keeps before the applied seq; older ones are compacted away. 0: the
   * log is never compacted (and no snapshot is ever needed).
   */
  public long logRetainEntries() {
    if (logRetainEntries < 0) {
      throw new IllegalStateException("QUIPU_LOG_RETAIN_ENTRIES must not be negative");
    }
    return logRetainEntries;
  }

  /**
   * How many appends a leader keeps in flight to each follower (QUIPU_REPLICATION_APPENDS_IN_FLIGHT):
   * 1 sends the next only once the last is answered.
   */
  public int appendsInFlight() {
    if (appendsInFlight < 1 || appendsInFlight > 64) {
      throw new IllegalStateException("QUIPU_REPLICATION_APPENDS_IN_FLIGHT must be 1 to 64");
    }
    return appendsInFlight;
  }

  /** Where snapshots are written and received (QUIPU_SNAPSHOT_DIR). */
  public Path snapshotDir() {
    return Path.of(snapshotDir.orElseGet(() ->
        System.getProperty("java.io.tmpdir") + "/quipu-" + nodeId + "-snapshots"));
  }

  /** Roughly the most heap the cache of recent message bodies and headers takes. */
  public long contentCacheBytes() {
    return contentCacheBytes;
  }

  /** The share of the heap in use after a collection above which new messages are refused. */
  public double memoryHighWatermark() {
    return memoryHighWatermark;
  }
}
