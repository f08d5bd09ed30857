package org.quipu.cluster;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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
import org.quipu.replication.Append;
import org.quipu.replication.Committed;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.NotCommittedException;
import org.quipu.replication.ReplicaEndpoint;
import org.quipu.replication.StoreUnavailableException;

/**
 * The node's side of {@code quipu.replication.v1.Replication}: an adapter that refuses a call
 * without a deadline (INVALID_ARGUMENT), for another group (NOT_FOUND) or, over mutual TLS, from a
 * caller whose certificate does not name the node id its request claims (PERMISSION_DENIED, see
 * {@link PeerIdentity}; every append of a Replicate stream, every Forward), translates the request
 * ({@link ReplicationMessages}; unreadable: INVALID_ARGUMENT), hands it to the {@link
 * ReplicaEndpoint} and translates its answer. A store that cannot be reached is UNAVAILABLE, any
 * other failure INTERNAL, both with a fixed description: exception text stays in this node's log.
 * The cluster secret is checked before a call gets here ({@link ClusterSecret#guard}). Calls run
 * on gRPC's executor, several at once and in no guaranteed order; the endpoint is thread-safe.
 *
 * <p>Replicate is the one stream: it needs no deadline (its sender bounds each append by
 * cancelling the stream), and each of its appends is checked, translated and handled as a unary
 * call is, one at a time and in the order sent ({@link ReplicateCall}). An append that arrives
 * once its sender has cancelled the stream is not handled. The open streams end when the node
 * stops ({@link #stopStreams}).
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
  private static final String REPLICATE = "Replicate";

  private final ClusterPaths group;
  private final NodeStatus.Source status;
  private final ReplicaEndpoint endpoint;
  private final ForwardTarget forwards;
  /** True over mutual TLS: every call must then come with its caller's {@link PeerIdentity}. */
  private final boolean identified;
  private final Set<ReplicateCall> streams = ConcurrentHashMap.newKeySet();

  ReplicationService(ClusterPaths group, boolean identified, NodeStatus.Source status,
      ReplicaEndpoint endpoint, ForwardTarget forwards) {
    this.group = group;
    this.identified = identified;
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

  /**
   * See {@link ReplicateCall}; the stream is not refused for having no deadline. Its caller's
   * identity is the stream's, read once here and checked against every append.
   */
  @Override
  public StreamObserver<AppendRequest> replicate(StreamObserver<AppendReply> answer) {
    Optional<PeerIdentity> peer = PeerIdentity.current();
    ReplicateCall call = new ReplicateCall((ServerCallStreamObserver<AppendReply>) answer,
        request -> append(request, peer), streams::remove);
    streams.add(call);
    return call;
  }

  /**
   * Ends every open Replicate stream with UNAVAILABLE: a leader keeps its stream open for as long
   * as it leads, so a server shutting down would otherwise wait out its whole grace period for it.
   * An append running on one still completes, unanswered.
   */
  void stopStreams() {
    Status stopping = Status.UNAVAILABLE.withDescription("the node is stopping");
    streams.forEach(call -> call.stop(stopping));
  }

  /** One append of a Replicate stream: checked, handled and answered as one unary call was. */
  private AppendReply append(AppendRequest request, Optional<PeerIdentity> peer)
      throws StatusException {
    Caller caller = request.getCaller();
    Status refused = otherGroupOrImpostor(caller, peer);
    if (refused != null) {
      throw refused.asException();
    }
    Append message = read(REPLICATE, caller, () -> ReplicationMessages.fromProto(request));
    if (Context.current().isCancelled()) {
      // Its sender cancelled the stream at this append's deadline, or an earlier one's; what it
      // carries (a read lease, say) must not take effect late.
      throw Status.CANCELLED.withDescription("the stream was cancelled").asException();
    }
    return handle(REPLICATE, caller, m -> ReplicationMessages.toProto(endpoint.append(m)),
        message);
  }

  /**
   * The unary append of the version before {@link #replicate}, still served for a rolling upgrade
   * (see the proto): a leader not yet upgraded keeps replicating to a member upgraded first.
   */
  @Override
  @SuppressWarnings("deprecation")
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
    A reply;
    try {
      M message = read(rpc, caller, read);
      if (Context.current().getDeadline().isExpired()) {
        // Its caller has given up; what it carries (a read lease, say) must not take effect late.
        throw Status.DEADLINE_EXCEEDED.withDescription("the call's deadline had passed")
            .asException();
      }
      reply = handle(rpc, caller, handler, message);
    } catch (StatusException failed) {
      answer.onError(failed);
      return;
    }
    answer.onNext(reply);
    answer.onCompleted();
  }

  /** The request as the endpoint takes it; INVALID_ARGUMENT when it cannot be read. */
  private static <M> M read(String rpc, Caller caller, Supplier<M> read) throws StatusException {
    try {
      return read.get();
    } catch (RuntimeException unreadable) {
      LOG.log(Level.WARNING, rpc + " from " + caller.getNodeId() + " cannot be read", unreadable);
      throw Status.INVALID_ARGUMENT.withDescription("the request cannot be read").asException();
    }
  }

  /**
   * The endpoint's answer to {@code message}; UNAVAILABLE when its store cannot be reached,
   * INTERNAL for any other failure.
   */
  private static <M, A> A handle(String rpc, Caller caller, Handler<M, A> handler, M message)
      throws StatusException {
    try {
      return handler.answer(message);
    } catch (StoreUnavailableException down) {
      // The store's own health is reported elsewhere; a leader retries every heartbeat.
      LOG.log(Level.FINE, rpc + " from " + caller.getNodeId() + ": store unavailable", down);
      throw Status.UNAVAILABLE.withDescription("the node's store cannot be reached")
          .asException();
    } catch (RuntimeException fault) {
      LOG.log(Level.WARNING, rpc + " from " + caller.getNodeId() + " failed", fault);
      throw Status.INTERNAL.withDescription("the node failed to handle " + rpc).asException();
    }
  }

  /**
   * Why a unary call may not proceed, or null: no deadline, another replication group, or a
   * caller that is not who it claims to be.
   */
  private Status refusal(Caller caller) {
    if (Context.current().getDeadline() == null) {
      return Status.INVALID_ARGUMENT.withDescription("every call must carry a deadline");
    }
    return otherGroupOrImpostor(caller, PeerIdentity.current());
  }

  /**
   * NOT_FOUND when {@code caller} belongs to another replication group; over mutual TLS,
   * UNAUTHENTICATED without the peer's identity and PERMISSION_DENIED when its certificate does
   * not name {@code caller}'s node id; otherwise null.
   */
  private Status otherGroupOrImpostor(Caller caller, Optional<PeerIdentity> peer) {
    if (caller.getGroup() != group.group()) {
      return Status.NOT_FOUND.withDescription(
          "this node serves replication group " + group.group() + ", not " + caller.getGroup());
    }
    if (!identified) {
      return null;
    }
    if (peer.isEmpty()) {
      return Status.UNAUTHENTICATED.withDescription("no client certificate naming a node");
    }
    if (!peer.get().speaksFor(caller.getNodeId())) {
      LOG.warning("a peer whose certificate names " + peer.get().nodeIds() + " called as "
          + caller.getNodeId() + ": refused");
      return Status.PERMISSION_DENIED.withDescription(
          "the caller's certificate does not name node " + caller.getNodeId());
    }
    return null;
  }
}
