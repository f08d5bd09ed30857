package org.quipu.cluster;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusReply;
import org.quipu.proto.replication.v1.StatusRequest;

/**
 * Calls to the other nodes of the group: one channel per peer (its id and gRPC address, as it
 * registered them in ZooKeeper), kept, every call with the cluster secret and a deadline. Over
 * mutual TLS a channel reaches only a server whose certificate names the peer's id ({@link
 * NodeTls#channel}).
 */
public final class Peers implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Peers.class.getName());

  private final String self;
  private final ClusterPaths group;
  private final ClusterSecret secret;
  private final NodeTls tls;
  /** By peer id and address: a peer that registers at a new address gets a new channel. */
  private final Map<Peer, ManagedChannel> channels = new ConcurrentHashMap<>();

  private record Peer(String id, String address) {}

  public Peers(String self, ClusterPaths group, ClusterSecret secret, NodeTls tls) {
    this.self = self;
    this.group = group;
    this.secret = secret;
    this.tls = tls;
  }

  /**
   * The status of the node {@code id} serving gRPC at {@code address}, or empty when it does not
   * answer within {@code deadlineMillis} (down, paused, partitioned or refusing us, or, over
   * mutual TLS, not presenting a certificate for {@code id}).
   */
  public Optional<NodeStatus> status(String id, String address, long epochSeen,
      long deadlineMillis) {
    StatusRequest ask = StatusRequest.newBuilder()
        .setCaller(Caller.newBuilder().setNodeId(self).setEpoch(epochSeen)
            .setGroup(group.group()))
        .build();
    try {
      StatusReply reply = ReplicationGrpc.newBlockingStub(channel(id, address))
          .withCallCredentials(secret.credentials())
          .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
          .status(ask);
      return Optional.of(new NodeStatus(reply.getNodeId(), reply.getEpoch(), reply.getLastSeq(),
          reply.getAppliedSeq(), reply.getReady()));
    } catch (StatusRuntimeException unanswered) {
      // Down, paused or cut off is what a view of the cluster shows; anything else (a wrong
      // secret, another group, a TLS handshake refused either way) is a misconfiguration the
      // operator must hear of.
      Status.Code code = unanswered.getStatus().getCode();
      Level level = (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED)
          && !handshakeFailed(unanswered) ? Level.FINE : Level.WARNING;
      LOG.log(level, "peer " + id + " at " + address + " did not answer Status: "
          + unanswered.getStatus());
      return Optional.empty();
    }
  }

  /** True iff {@code failure} was caused by a TLS handshake that failed. */
  private static boolean handshakeFailed(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  private ManagedChannel channel(String id, String address) {
    return channels.computeIfAbsent(new Peer(id, address), p -> tls.channel(p.id(), p.address()));
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
