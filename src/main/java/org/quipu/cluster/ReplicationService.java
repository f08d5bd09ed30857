package org.quipu.cluster;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusReply;
import org.quipu.proto.replication.v1.StatusRequest;
import org.quipu.replication.StoreUnavailableException;

/**
 * The node's side of {@code quipu.replication.v1.Replication}. Every call must carry a deadline
 * and name this node's group; the cluster secret is checked before a call gets here ({@link
 * ClusterSecret#guard}).
 */
final class ReplicationService extends ReplicationGrpc.ReplicationImplBase {

  private final ClusterPaths group;
  private final NodeStatus.Source status;

  ReplicationService(ClusterPaths group, NodeStatus.Source status) {
    this.group = group;
    this.status = status;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusReply> answer) {
    Status refused = refusal(request.getCaller());
    if (refused != null) {
      answer.onError(refused.asRuntimeException());
      return;
    }
    NodeStatus now;
    try {
      now = status.read();
    } catch (StoreUnavailableException e) {
      answer.onError(Status.UNAVAILABLE.withDescription("the node's log cannot be read")
          .asRuntimeException());
      return;
    }
    answer.onNext(StatusReply.newBuilder()
        .setNodeId(now.nodeId())
        .setRole(now.epoch() != 0 ? StatusReply.Role.LEADER : StatusReply.Role.FOLLOWER)
        .setEpoch(now.epoch())
        .setLastSeq(now.lastSeq())
        .setAppliedSeq(now.appliedSeq())
        .setReady(now.ready())
        .build());
    answer.onCompleted();
  }

  /** Why a call may not proceed, or null: no deadline, or another replication group. */
  private Status refusal(Caller caller) {
    if (Context.current().getDeadline() == null) {
      return Status.INVALID_ARGUMENT.withDescription("every call must carry a deadline");
    }
    if (caller.getGroup() != group.group()) {
      return Status.NOT_FOUND.withDescription(
          "this node serves replication group " + group.group() + ", not " + caller.getGroup());
    }
    return null;
  }
}
