package org.quipu.cluster;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusReply;
import org.quipu.proto.replication.v1.StatusRequest;

/**
 * Calls to the other nodes of the group: one channel per peer address, kept, every call with the
 * cluster secret and a deadline.
 */
public final class Peers implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Peers.class.getName());

  private final String self;
  private final ClusterPaths group;
  private final ClusterSecret secret;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public Peers(String self, ClusterPaths group, ClusterSecret secret) {
    this.self = self;
    this.group = group;
    this.secret = secret;
  }

  /**
   * The status of the node serving gRPC at {@code address}, or empty when it does not answer
   * within {@code deadlineMillis} (down, paused, partitioned or refusing us).
   */
  public Optional<NodeStatus> status(String address, long epochSeen, long deadlineMillis) {
    StatusRequest ask = StatusRequest.newBuilder()
        .setCaller(Caller.newBuilder().setNodeId(self).setEpoch(epochSeen)
            .setGroup(group.group()))
        .build();
    try {
      StatusReply reply = ReplicationGrpc.newBlockingStub(channel(address))
          .withCallCredentials(secret.credentials())
          .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
          .status(ask);
      return Optional.of(new NodeStatus(reply.getNodeId(), reply.getEpoch(), reply.getLastSeq(),
          reply.getAppliedSeq(), reply.getReady()));
    } catch (StatusRuntimeException unanswered) {
      // Down, paused or cut off is what a view of the cluster shows; anything else (a wrong
      // secret, another group) is a misconfiguration the operator must hear of.
      Status.Code code = unanswered.getStatus().getCode();
      Level level = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
          ? Level.FINE : Level.WARNING;
      LOG.log(level, "peer at " + address + " did not answer Status: " + unanswered.getStatus());
      return Optional.empty();
    }
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address,
        a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
