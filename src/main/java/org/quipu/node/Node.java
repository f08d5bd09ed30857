package org.quipu.node;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.quipu.cluster.ClusterPaths;
import org.quipu.cluster.ClusterSecret;
import org.quipu.cluster.CuratorLeadership;
import org.quipu.cluster.GrpcReplicationTransport;
import org.quipu.cluster.Member;
import org.quipu.cluster.NodeRpcServer;
import org.quipu.cluster.NodeStatus;
import org.quipu.cluster.NodeTls;
import org.quipu.cluster.PeerProbe;
import org.quipu.cluster.Peers;
import org.quipu.core.state.Subscription;
import org.quipu.replication.DegradedReads;
import org.quipu.replication.Forwarding;
import org.quipu.replication.Leadership;
import org.quipu.replication.ReplicaLog;
import org.quipu.replication.ReplicaState;
import org.quipu.replication.ReplicationSettings;
import org.quipu.replication.ReplicationTransport;
import org.quipu.replication.StoreUnavailableException;
import org.quipu.replication.WritePath;
import org.quipu.security.PasswordHasher;
import org.quipu.store.JdbcCommandLog;
import org.quipu.store.JdbcPromiseStore;
import org.quipu.store.JpaStateStore;
import org.quipu.store.DroppedMessages;
import org.quipu.store.MessageContents;
import org.quipu.store.StateEntities;

/**
 * One node's life cycle: when the application starts, migrate the schema and start the write path
 * (which recovers the state, then proposes while leadership is granted) with the leader's duties
 * ({@link LeaderDuties}); when it stops, stop both. Everything else reaches the state and the log
 * through this bean.
 */
@ApplicationScoped
public class Node {

  private static final Logger LOG = Logger.getLogger(Node.class.getName());
  private static final ReplicationSettings SETTINGS = ReplicationSettings.defaults();
  /** How often a node looks whether its log has grown enough to compact. */
  private static final Duration COMPACTION_EVERY = Duration.ofSeconds(10);
  /** A node without ZooKeeper leads epoch 1 alone. */
  private static final long SINGLE_NODE_EPOCH = 1;
  /** How long the cluster view waits for each peer's status. */
  private static final long PEER_DEADLINE_MILLIS = 1_000;
  /** Threads reading message contents the cache no longer holds (one connection each). */
  private static final int CONTENT_READERS = 4;
  /** How often a node looks for messages of deleted queues, and its pause between two slices. */
  private static final Duration DROPPED_MESSAGES_EVERY = Duration.ofSeconds(5);
  private static final Duration DROPPED_MESSAGES_PAUSE = Duration.ofMillis(20);
  /** How long a node alone in its group holds its deployment up while it recovers its log. */
  private static final Duration SERVING_ALONE_WITHIN = Duration.ofSeconds(120);
  /**
   * How often, and how patiently, the peers' gRPC ports are probed for {@link DegradedReads}. A
   * round lasts at most the period plus one connect timeout per peer: 500 ms in a group of three.
   * Degraded reads end within a round of a dead member listening again, and a new leader answers
   * a logout this node has not applied only after the lease it counts for this node: 4 s after its
   * election (rpcDeadline 2 s + lease 2 s, {@link ReplicationSettings#defaults}). {@link
   * #startPeerProbe} serves no degraded reads in a group so large that a round would not stay
   * below a quarter of that (1 s; nine members and more). Each connection a round makes costs the
   * peer's gRPC server a channel with its TLS handler, set up and torn down: every 100 ms, two
   * peers and three nodes made that 60 a second; every 300 ms, an idle node uses 1.5-3.4 % of a
   * core less.
   */
  private static final Duration PROBE_PERIOD = Duration.ofMillis(300);
  private static final Duration PROBE_CONNECT_TIMEOUT = Duration.ofMillis(100);
  /** A leader silent this long (three heartbeats) and refusing connections is dead. */
  private static final Duration LEADER_SILENCE = SETTINGS.heartbeat().multipliedBy(3);
  @Resource(lookup = QuipuDataSource.JNDI_NAME)
  DataSource dataSource;

  @Inject NodeConfig config;
  @Inject PasswordHasher passwordHasher;

  private final ReplicaState state = new ReplicaState();
  private final DegradedReads degradedReads = new DegradedReads();
  /** The state tables' entities, on the same data source. */
  private EntityManagerFactory entities;
  private JdbcCommandLog log;
  private JpaStateStore stateStore;
  private JdbcPromiseStore promises;
  /** Read from gRPC's threads (forwards, status), and set after the rpc server has started. */
  private volatile WritePath writes;
  private LeaderDuties duties;
  private ExecutorService answers;
  private MemoryAlarm memoryAlarm;
  private ExecutorService contentReaders;
  private MessageContents contents;
  private DroppedMessages droppedMessages;
  private NodeTls tls; // how gRPC to and from the peers is carried; set first at start
  private CuratorLeadership curator; // null without ZooKeeper
  private NodeRpcServer rpc; // null without a gRPC address
  private Peers peers; // null without a gRPC address
  private GrpcReplicationTransport replication; // null in a group of one
  private PeerProbe probe; // null in a group of one
  private volatile long epoch; // the epoch this node leads, 0 while it does not

  void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
    memoryAlarm = new MemoryAlarm(config.memoryHighWatermark()).watchThisJvm();
    migrate();
    answers = Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("quipu-answer"));
    contentReaders = Executors.newFixedThreadPool(CONTENT_READERS, daemon("quipu-content"));
    entities = StateEntities.open(dataSource);
    contents = new MessageContents(entities, config.contentCacheBytes(), contentReaders);
    log = new JdbcCommandLog(dataSource);
    stateStore = new JpaStateStore(entities, dataSource, contents, config.stateWriter());
    promises = new JdbcPromiseStore(dataSource, ClusterPaths.GROUP_0.group());
    Map<String, String> members = config.groupMembers();
    tls = nodeTls(members);
    writes = new WritePath(config.nodeId(), ClusterPaths.GROUP_0.group(), members.keySet(), log,
        promises, stateStore, state, leadership(), transport(members), forwarding(),
        SETTINGS.withAppendsInFlight(config.appendsInFlight()),
        System::currentTimeMillis, config.maxCommitBatch(), answers);
    if (config.logRetainEntries() > 0) {
      writes.compact(new WritePath.Compaction(config.snapshotDir(), config.logRetainEntries(),
          COMPACTION_EVERY));
    }
    duties = new LeaderDuties(writes, state, passwordHasher, config.adminPassword());
    writes.onLeadership(duties);
    // Counted down when this node first serves: a node alone holds its deployment up until then.
    CountDownLatch serving = new CountDownLatch(1);
    writes.onLeadership(new Leadership.Listener() {
      @Override
      public void onGranted(long granted) {
        epoch = granted;
        serving.countDown();
      }

      @Override
      public void onRevoked() {
        epoch = 0;
      }
    });
    // A node that answers but can no longer commit is worse than one that is gone: exit, so
    // that whatever supervises it restarts it (status 70, EX_SOFTWARE).
    writes.onStageDeath(died -> {
      LOG.log(Level.SEVERE, "a write-path stage died; node " + config.nodeId() + " exits", died);
      Runtime.getRuntime().halt(70);
    });
    startRpcServer(writes); // before leadership (started with the write path) publishes its address
    writes.start();
    startPeerProbe(members);
    droppedMessages = DroppedMessages.every(dataSource, DROPPED_MESSAGES_EVERY,
        DROPPED_MESSAGES_PAUSE);
    if (members.size() == 1) {
      awaitServingAlone(serving);
    }
  }

  /**
   * A node alone in its group leads as soon as it has recovered its log: its deployment ends when
   * it serves, so that "deployed" means "ready" (clients and tests do not meet a 503 from a node
   * that is only still replaying). A node of a larger group waits for the others and does not
   * hold its deployment up: it reports /health/ready when it can serve.
   */
  private void awaitServingAlone(CountDownLatch serving) {
    try {
      if (!serving.await(SERVING_ALONE_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warning("node " + config.nodeId() + " is alone in its group and did not serve within "
            + SERVING_ALONE_WITHIN.toSeconds() + " s; it reports ready once it does");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Mutual TLS between nodes when its three settings are set ({@link NodeConfig#grpcTls}: all or
   * none, and the certificate must name this node); without them, plaintext, with a warning when
   * this node has peers to talk to. The SSL contexts are built here, once for the node.
   */
  private NodeTls nodeTls(Map<String, String> members) {
    Optional<NodeConfig.TlsFiles> files = config.grpcTls();
    if (files.isPresent()) {
      NodeConfig.TlsFiles f = files.get();
      NodeTls made = NodeTls.fromPem(id(), f.certificate(), f.key(), f.ca());
      LOG.info("node " + id() + ": node-to-node gRPC over mutual TLS with " + made.provider()
          + ", certificate " + f.certificate() + ", CA " + f.ca());
      return made;
    }
    if (config.grpcAddress().isPresent() || members.size() > 1) {
      LOG.warning("node " + id() + ": node-to-node gRPC traffic is not encrypted (the cluster "
          + "secret and every message travel in clear text); set QUIPU_GRPC_TLS_CERT, "
          + "QUIPU_GRPC_TLS_KEY and QUIPU_GRPC_TLS_CA for mutual TLS");
    }
    return NodeTls.plaintext();
  }

  /**
   * Serves this node's peers over gRPC when QUIPU_GRPC_ADDRESS is set. Without a cluster secret
   * (or with one too short) the node does not start: node-to-node calls are never unauthenticated.
   */
  private void startRpcServer(WritePath path) {
    if (config.grpcAddress().isEmpty()) {
      return;
    }
    String address = config.grpcAddress().get();
    ClusterSecret secret = new ClusterSecret(config.clusterSecret().orElseThrow(
        () -> new IllegalStateException("QUIPU_GRPC_ADDRESS needs QUIPU_CLUSTER_SECRET")));
    peers = new Peers(id(), ClusterPaths.GROUP_0, secret, tls);
    try {
      rpc = NodeRpcServer.start(address, secret, tls, ClusterPaths.GROUP_0,
          () -> new NodeStatus(id(), epoch, log.lastSeq(), state.appliedSeq(),
              path.ready()),
          path.endpoint(), path::submitLocally);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve gRPC on " + address, e);
    }
  }

  /**
   * In a group of several, probes the other members' gRPC ports for {@link DegradedReads} (the
   * lease is sampled after each round's connections, as its argument needs) and for a dead
   * leader ({@link #leaderGone}).
   */
  private void startPeerProbe(Map<String, String> members) {
    if (members.size() < 2) {
      return;
    }
    Map<String, String> others = new LinkedHashMap<>(members);
    others.remove(id());
    Duration round = PROBE_PERIOD.plus(PROBE_CONNECT_TIMEOUT.multipliedBy(others.size()));
    Duration oldLeaseCounted = SETTINGS.rpcDeadline().plus(SETTINGS.lease());
    boolean degradedReadsSafe = round.multipliedBy(4).compareTo(oldLeaseCounted) <= 0;
    if (!degradedReadsSafe) {
      LOG.warning("node " + id() + " serves no reads without a lease: a peer probe round of "
          + round.toMillis() + " ms is not well below the " + oldLeaseCounted.toMillis()
          + " ms a new leader counts for an old lease");
    }
    int groupSize = members.size();
    probe = PeerProbe.start(others, PROBE_PERIOD, PROBE_CONNECT_TIMEOUT, refusing -> {
      if (degradedReadsSafe) {
        degradedReads.observe(servesReads(), groupSize - refusing.size(), groupSize);
      }
      leaderGone(refusing);
    });
  }

  /**
   * Tells ZooKeeper to hand the latch over now ({@link CuratorLeadership#leaderGone}) when the
   * leader this node follows is dead for certain ({@link DeadLeader}): a SIGKILLed leader's writes
   * then stall for a probe round and an election rather than the session timeout. {@code epoch}
   * is set only once this node serves, so a node still recovering as leader passes here; the
   * latch's own checks (it leads, it heads the queue) leave its znode alone.
   */
  private void leaderGone(Set<String> refusing) {
    WritePath w = writes;
    ReplicaLog replica = w != null ? w.replica() : null;
    if (curator == null || replica == null) {
      return;
    }
    DeadLeader.of(epoch != 0, replica.leaderId(), refusing,
            System.nanoTime() - replica.leaderHeardNanos(), LEADER_SILENCE.toNanos())
        .ifPresent(curator::leaderGone);
  }

  /** gRPC to the other members of the group; a group of one has none to call. */
  private ReplicationTransport transport(Map<String, String> members) {
    Map<String, String> others = new LinkedHashMap<>(members);
    others.remove(id());
    if (others.isEmpty()) {
      return ReplicationTransport.noPeers();
    }
    String secret = config.clusterSecret().orElseThrow(() -> new IllegalStateException(
        "a group of several members needs QUIPU_CLUSTER_SECRET"));
    replication = new GrpcReplicationTransport(id(), ClusterPaths.GROUP_0,
        new ClusterSecret(secret), tls, others);
    return replication;
  }

  /** Writes that reach this node while another leads go there over gRPC. */
  private Forwarding forwarding() {
    return replication != null ? replication : Forwarding.noLeaderElsewhere();
  }

  /** ZooKeeper's latch and epochs when QUIPU_ZK_CONNECT is set, otherwise a fixed grant. */
  private Leadership leadership() {
    if (config.zkConnect().isEmpty()) {
      return Leadership.fixed(SINGLE_NODE_EPOCH);
    }
    curator = CuratorLeadership.connect(config.zkConnect().get(), config.zkSessionTimeoutMs(),
        ClusterPaths.GROUP_0, id(), self().toZnode(), this::highestEpochSeen);
    return curator;
  }

  /**
   * A new epoch is above every epoch this node has logged or promised, even if ZooKeeper lost its
   * counter.
   */
  private long highestEpochSeen() {
    try {
      return Math.max(log.lastEpoch(), promises.promisedEpoch());
    } catch (StoreUnavailableException e) {
      throw new IllegalStateException("cannot read the promised epoch", e);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @PreDestroy
  void stop() {
    if (probe != null) {
      probe.close();
    }
    if (droppedMessages != null) {
      droppedMessages.close();
    }
    if (duties != null) {
      duties.stop();
    }
    if (curator != null) {
      curator.close(); // stop leading before the write path stops
    }
    if (replication != null) {
      replication.close(); // no more appends: this node can no longer commit anything
    }
    // Only now stop listening: a member whose gRPC port refuses connections must be one that can
    // take part in no majority (DegradedReads counts on it). Closed first, a leader would go on
    // committing with a follower for a moment while the third member saw it as dead.
    if (rpc != null) {
      rpc.close();
    }
    if (peers != null) {
      peers.close();
    }
    if (writes != null) {
      writes.close();
    }
    if (log != null) {
      log.close();
    }
    if (stateStore != null) {
      stateStore.close();
    }
    if (entities != null) {
      entities.close();
    }
    if (answers != null) {
      answers.shutdown();
    }
    if (contentReaders != null) {
      contentReaders.shutdown();
    }
    if (memoryAlarm != null) {
      memoryAlarm.close();
    }
  }

  /** The background deletion of deleted and purged queues' rows. */
  public DroppedMessages droppedMessages() {
    return droppedMessages;
  }

  /** Message bodies and headers, which the state in memory does not hold. */
  public MessageContents contents() {
    return contents;
  }

  public MemoryAlarm memoryAlarm() {
    return memoryAlarm;
  }

  public ReplicaState state() {
    return state;
  }

  /** True while this node may answer reads: see {@link WritePath#servesReads}. */
  public boolean servesReads() {
    WritePath w = writes;
    return w != null && w.servesReads();
  }

  /**
   * True while this node, without a lease, may still answer reads because no majority of its group
   * can be alive to commit anything it lacks: see {@link DegradedReads}. As of the last probe
   * round (at most 100 ms plus the connects ago); false in a group of one.
   */
  public boolean servesDegradedReads() {
    return degradedReads.degraded();
  }

  public WritePath writes() {
    return writes;
  }

  public String id() {
    return config.nodeId();
  }

  /** The node's HTTP base URL, or null when QUIPU_NODE_ADDRESS is not set. */
  public String address() {
    return config.address().orElse(null);
  }

  /** The epoch this node leads, or 0 while it leads none. */
  public long epoch() {
    return epoch;
  }

  /**
   * The HTTP base URL of the leader this node follows, as the leader published it in ZooKeeper;
   * empty while this node leads, knows no leader (none has reached it since its last promise), or
   * the leader published no address. Reads ZooKeeper: for the rare path that needs it, not per
   * request.
   */
  public Optional<String> leaderAddress() {
    WritePath w = writes;
    ReplicaLog replica = w != null ? w.replica() : null;
    String leader = replica != null ? replica.leaderId() : null;
    if (leader == null || leader.equals(id()) || epoch > 0) {
      return Optional.empty();
    }
    return members().stream()
        .filter(m -> m.id().equals(leader) && m.http() != null)
        .map(Member::http)
        .findFirst();
  }

  /** The queue a subscription delivers into (its own queue once it is gone, for late counts). */
  public String subscriptionTarget(String topic, String subscription) {
    return state.read(b -> b.subscription(topic, subscription))
        .map(Subscription::targetQueue)
        .orElse(Subscription.ownQueueName(topic, subscription));
  }

  /**
   * The cluster as this node sees it: without ZooKeeper, itself; with it, every member registered
   * in ZooKeeper, each as its own {@code Status} answer says (within {@value #PEER_DEADLINE_MILLIS}
   * ms, else "unreachable"). The leader is the member that leads the highest epoch; a member's lag
   * is how far its applied seq is behind the leader's.
   */
  public ClusterView cluster() {
    NodeStatus own = new NodeStatus(id(), epoch, state.appliedSeq(), state.appliedSeq(),
        writes != null && writes.ready());
    record Seen(Member member, Optional<NodeStatus> status) {}
    List<Seen> seen = members().stream().map(m -> new Seen(m,
        m.id().equals(id()) ? Optional.of(own)
            : m.grpc() == null || peers == null ? Optional.<NodeStatus>empty()
            : peers.status(m.id(), m.grpc(), epoch, PEER_DEADLINE_MILLIS))).toList();
    NodeStatus leader = seen.stream().flatMap(x -> x.status().stream())
        .filter(st -> st.epoch() > 0)
        .max(Comparator.comparingLong(NodeStatus::epoch)).orElse(null);
    long commitSeq = leader != null ? leader.appliedSeq() : own.appliedSeq();
    List<ClusterView.Member> nodes = seen.stream().map(x -> x.status()
        .map(st -> new ClusterView.Member(st.nodeId(), x.member().http(),
            st.epoch() > 0 ? "leader" : "follower", st.ready() ? "ready" : "recovering",
            st.epoch(), st.appliedSeq(), Math.max(0, commitSeq - st.appliedSeq())))
        .orElse(new ClusterView.Member(x.member().id(), x.member().http(), "follower",
            "unreachable", 0, 0, 0)))
        .toList();
    return new ClusterView(nodes, leader != null ? leader.nodeId() : null,
        leader != null ? leader.epoch() : 0, commitSeq);
  }

  /** This node as a member of its group: its id and the addresses it publishes. */
  private Member self() {
    return new Member(id(), address(), config.grpcAddress().orElse(null));
  }

  /** The group's members from ZooKeeper; without it, or when it cannot be read, this node alone. */
  private List<Member> members() {
    Member self = self();
    if (curator == null) {
      return List.of(self);
    }
    try {
      List<Member> members = curator.members();
      return members.stream().anyMatch(m -> m.id().equals(id())) ? members
          : Stream.concat(members.stream(), Stream.of(self)).toList();
    } catch (Exception e) {
      LOG.log(Level.FINE, "cannot read the members from ZooKeeper", e);
      return List.of(self);
    }
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
