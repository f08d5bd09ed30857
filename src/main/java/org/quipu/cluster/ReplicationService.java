package org.quipu.cluster;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.Command;
import org.quipu.core.command.StartEpoch;
import org.quipu.proto.replication.v1.AppendReply;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.ContactReply;
import org.quipu.proto.replication.v1.ContactRequest;
import org.quipu.proto.replication.v1.FetchReply;
import org.quipu.proto.replication.v1.FetchRequest;
import org.quipu.proto.replication.v1.SnapshotReply;
import org.quipu.proto.replication.v1.ForwardReply;
import org.quipu.proto.replication.v1.ForwardRequest;
import org.quipu.proto.replication.v1.NewEpochRequest;
import org.quipu.proto.replication.v1.PromiseReply;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusReply;
import org.quipu.proto.replication.v1.StatusRequest;
import org.quipu.replication.Committed;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.NotCommittedException;
import org.quipu.replication.ReplicaEndpoint;
import org.quipu.replication.StoreUnavailableException;

/**
 * The node's side of {@code quipu.replication.v1.Replication}: an adapter that refuses a call
 * without a deadline (INVALID_ARGUMENT) or for another group (NOT_FOUND), translates the request
 * ({@link ReplicationMessages}; unreadable: INVALID_ARGUMENT), hands it to the {@link
 * ReplicaEndpoint} and translates its answer. A store that cannot be reached is UNAVAILABLE, any
 * other failure INTERNAL, both with a fixed description: exception text stays in this node's log.
 * The cluster secret is checked before a call gets here ({@link ClusterSecret#guard}). Calls run
 * on gRPC's executor, several at once and in no guaranteed order; the endpoint is thread-safe.
 *
 * <p>Forward hands the command to the {@link ForwardTarget} and returns at once: the answer is
 * sent from whichever thread completes the commit, so that no gRPC thread waits for one. A target
 * that cannot commit ({@link NotCommittedException}) is UNAVAILABLE with the exception's own
 * message and the not-committed trailer ({@link ReplicationMessages#notCommitted}); any other
 * failure INTERNAL with a fixed description. A call whose caller has gone (its deadline passed)
 * gets no answer, but its command is not withdrawn: it commits or not all the same.
 */
final class ReplicationService extends ReplicationGrpc.ReplicationImplBase {

  private static final Logger LOG = Logger.getLogger(ReplicationService.class.getName());

  private final ClusterPaths group;
  private final NodeStatus.Source status;
  private final ReplicaEndpoint endpoint;
  private final ForwardTarget forwards;

  ReplicationService(ClusterPaths group, NodeStatus.Source status, ReplicaEndpoint endpoint,
      ForwardTarget forwards) {
    this.group = group;
    this.status = status;
    this.endpoint = endpoint;
    this.forwards = forwards;
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

  @Override
  public void newEpoch(NewEpochRequest request, StreamObserver<PromiseReply> answer) {
    serve("NewEpoch", request.getCaller(), () -> ReplicationMessages.fromProto(request),
        m -> ReplicationMessages.toProto(endpoint.newEpoch(m)), answer);
  }

  @Override
  public void append(AppendRequest request, StreamObserver<AppendReply> answer) {
    serve("Append", request.getCaller(), () -> ReplicationMessages.fromProto(request),
        m -> ReplicationMessages.toProto(endpoint.append(m)), answer);
  }

  @Override
  public void contact(ContactRequest request, StreamObserver<ContactReply> answer) {
    serve("Contact", request.getCaller(), () -> ReplicationMessages.fromProto(request),
        m -> ReplicationMessages.toProto(endpoint.contact(m)), answer);
  }

  @Override
  public void fetch(FetchRequest request, StreamObserver<FetchReply> answer) {
    serve("Fetch", request.getCaller(), () -> ReplicationMessages.fromProto(request),
        m -> ReplicationMessages.toProto(endpoint.fetch(m)), answer);
  }

  @Override
  public void installSnapshot(org.quipu.proto.replication.v1.SnapshotChunk request,
      StreamObserver<SnapshotReply> answer) {
    serve("InstallSnapshot", request.getCaller(), () -> ReplicationMessages.fromProto(request),
        m -> ReplicationMessages.toProto(endpoint.installSnapshot(m)), answer);
  }

  @Override
  public void forward(ForwardRequest request, StreamObserver<ForwardReply> answer) {
    String from = request.getCaller().getNodeId();
    Status refused = refusal(request.getCaller());
    if (refused != null) {
      answer.onError(refused.asRuntimeException());
      return;
    }
    Command command;
    try {
      command = ReplicationMessages.fromProto(request);
    } catch (RuntimeException unreadable) {
      LOG.log(Level.WARNING, "Forward from " + from + " cannot be read", unreadable);
      answer.onError(Status.INVALID_ARGUMENT.withDescription("the request cannot be read")
          .asRuntimeException());
      return;
    }
    if (command instanceof StartEpoch) {
      // An epoch's start entry is its leader's own (LeaderTerm); no client write is one.
      LOG.warning("Forward from " + from + " carried an epoch's start entry: refused");
      answer.onError(Status.INVALID_ARGUMENT.withDescription(
          "an epoch's start entry is never forwarded").asRuntimeException());
      return;
    }
    ServerCallStreamObserver<ForwardReply> call = (ServerCallStreamObserver<ForwardReply>) answer;
    CompletableFuture<Committed> committed;
    try {
      committed = Objects.requireNonNull(forwards.submit(command), "no future from the target");
    } catch (RuntimeException refusedAtOnce) {
      committed = CompletableFuture.failedFuture(refusedAtOnce);
    }
    committed.whenComplete((done, failed) -> answerForward(call, from, done, failed));
  }

  /** Sends a Forward's answer once its commit has ended, on the thread that ended it. */
  private static void answerForward(ServerCallStreamObserver<ForwardReply> call, String from,
      Committed done, Throwable failed) {
    if (call.isCancelled()) {
      LOG.fine("Forward from " + from + " ended after its caller had gone");
      return;
    }
    Throwable cause = failed instanceof CompletionException && failed.getCause() != null
        ? failed.getCause() : failed;
    ForwardReply reply = null;
    if (cause == null) {
      try {
        reply = ReplicationMessages.toProto(done);
      } catch (RuntimeException untranslatable) {
        cause = untranslatable;
      }
    }
    try {
      if (reply != null) {
        call.onNext(reply);
        call.onCompleted();
      } else if (cause instanceof NotCommittedException notCommitted) {
        call.onError(ReplicationMessages.notCommitted(notCommitted.getMessage()));
      } else {
        LOG.log(Level.WARNING, "Forward from " + from + " failed", cause);
        call.onError(Status.INTERNAL.withDescription("the node failed to handle Forward")
            .asRuntimeException());
      }
    } catch (RuntimeException gone) {
      // Cancelled between the check above and the answer: nobody is left to tell.
      LOG.log(Level.FINE, "Forward from " + from + " could not be answered", gone);
    }
  }

  /** The endpoint's side of one rpc: its answer to a translated request, already translated. */
  @FunctionalInterface
  private interface Handler<M, A> {
    A answer(M message) throws StoreUnavailableException;
  }

  private <M, A> void serve(String rpc, Caller caller, Supplier<M> read, Handler<M, A> handler,
      StreamObserver<A> answer) {
    Status refused = refusal(caller);
    if (refused != null) {
      answer.onError(refused.asRuntimeException());
      return;
    }
    M message;
    try {
      message = read.get();
    } catch (RuntimeException unreadable) {
      LOG.log(Level.WARNING, rpc + " from " + caller.getNodeId() + " cannot be read", unreadable);
      answer.onError(Status.INVALID_ARGUMENT.withDescription("the request cannot be read")
          .asRuntimeException());
      return;
    }
    if (Context.current().getDeadline().isExpired()) {
      // Its caller has given up; what it carries (a read lease, say) must not take effect late.
      answer.onError(Status.DEADLINE_EXCEEDED.withDescription("the call's deadline had passed")
          .asRuntimeException());
      return;
    }
    A reply;
    try {
      reply = handler.answer(message);
    } catch (StoreUnavailableException down) {
      // The store's own health is reported elsewhere; a leader retries every heartbeat.
      LOG.log(Level.FINE, rpc + " from " + caller.getNodeId() + ": store unavailable", down);
      answer.onError(Status.UNAVAILABLE.withDescription("the node's store cannot be reached")
          .asRuntimeException());
      return;
    } catch (RuntimeException fault) {
      LOG.log(Level.WARNING, rpc + " from " + caller.getNodeId() + " failed", fault);
      answer.onError(Status.INTERNAL.withDescription("the node failed to handle " + rpc)
          .asRuntimeException());
      return;
    }
    answer.onNext(reply);
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
