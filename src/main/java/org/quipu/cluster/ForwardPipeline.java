package org.quipu.cluster;

import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.quipu.proto.replication.v1.ForwardRequest;
import org.quipu.proto.replication.v1.ForwardStreamReply;
import org.quipu.proto.replication.v1.ForwardStreamRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.replication.Committed;
import org.quipu.replication.NotCommittedException;
import org.quipu.replication.PeerUnreachableException;

/**
 * This follower's forwards to one member, over a ForwardStream (see replication.proto): each write
 * is written on the member's open stream at once, under an id of its own, and its future completes
 * with the reply that carries that id, whatever the order replies come in. Writes sent together
 * go out together: gRPC writes what is queued on a stream in one flush, and one unary call per
 * write cost each side a call of its own (profiled in the README, "Performance"). At most one
 * stream per member is open: the first write opens it, and the first write after it ended opens
 * the next.
 *
 * <p>The stream has no deadline; each write's runs here, on a timer. A write unanswered at its
 * deadline fails alone with {@link PeerUnreachableException} (its outcome is unknown, as a unary
 * Forward's at DEADLINE_EXCEEDED): the others on the stream may be answered yet. A stream that
 * ends fails every write still unanswered on it the same way; UNAVAILABLE also resets the
 * channel's reconnect backoff, as for the unary calls. A write the member could not commit fails
 * with {@link NotCommittedException}.
 *
 * <p>A member that does not know ForwardStream (UNIMPLEMENTED: a version before it, in a rolling
 * upgrade) handled none of the stream's writes: they, and every write to it after, go as unary
 * Forwards through {@code unary}.
 *
 * <p>Thread-safe: writes come from many request threads. The open stream, what is written on it
 * and its unanswered writes are guarded by this object's lock; futures are completed outside it,
 * on gRPC's threads or the timer's, so what is chained on them must not block.
 */
final class ForwardPipeline {

  private static final String RPC = "ForwardStream";

  private final String member;
  private final ManagedChannel channel;
  private final CallCredentials credentials;
  private final ScheduledExecutorService deadlines;
  private final BiFunction<ForwardRequest, Deadline, CompletableFuture<Committed>> unary;
  // Guarded by this.
  private Stream open;
  private long lastId;
  private boolean unaryOnly;

  /**
   * @param deadlines runs each write's deadline; once it is shut down, writes fail unsent
   * @param unary sends one write as a unary Forward, for a member that has no ForwardStream
   */
  ForwardPipeline(String member, ManagedChannel channel, CallCredentials credentials,
      ScheduledExecutorService deadlines,
      BiFunction<ForwardRequest, Deadline, CompletableFuture<Committed>> unary) {
    this.member = member;
    this.channel = channel;
    this.credentials = credentials;
    this.deadlines = deadlines;
    this.unary = unary;
  }

  /** A write waiting for its reply. */
  private static final class Pending {
    final CompletableFuture<Committed> answer = new CompletableFuture<>();
    final ForwardRequest request;
    final Deadline due;
    /** Set before the write is sent, under the lock. */
    ScheduledFuture<?> timer;

    Pending(ForwardRequest request, Deadline due) {
      this.request = request;
      this.due = due;
    }
  }

  /** Writes {@code request} on the member's stream, opening one when none is open. */
  CompletableFuture<Committed> send(ForwardRequest request, Deadline due) {
    Pending sent = new Pending(request, due);
    long nanos = due.timeRemaining(TimeUnit.NANOSECONDS);
    if (nanos <= 0) {
      sent.answer.completeExceptionally(GrpcReplicationTransport.unreachable(member, RPC,
          Status.DEADLINE_EXCEEDED.withDescription("its deadline had passed before it was sent")
              .asRuntimeException()));
      return sent.answer;
    }
    RejectedExecutionException notSent = null;
    synchronized (this) {
      if (unaryOnly) {
        return unary.apply(request, due);
      }
      try {
        if (open == null || open.ended) {
          Stream next = new Stream();
          next.start();
          open = next;
        }
        Stream on = open;
        long id = ++lastId;
        sent.timer = deadlines.schedule(() -> expire(on, id), nanos, TimeUnit.NANOSECONDS);
        on.unanswered.put(id, sent);
        on.requests.onNext(ForwardStreamRequest.newBuilder()
            .setId(id).setForward(request).build());
      } catch (RejectedExecutionException closed) {
        notSent = closed; // the transport has closed: no timer runs any more
      }
    }
    if (notSent != null) {
      sent.answer.completeExceptionally(new PeerUnreachableException(
          "the transport is closed: " + RPC + " to " + member + " not sent", notSent));
    }
    return sent.answer;
  }

  /** Fails write {@code id} alone if still unanswered on {@code stream}: its deadline passed. */
  private void expire(Stream stream, long id) {
    Pending late;
    synchronized (this) {
      late = stream.unanswered.remove(id);
    }
    if (late != null) {
      late.answer.completeExceptionally(GrpcReplicationTransport.unreachable(member, RPC,
          Status.DEADLINE_EXCEEDED.withDescription("no reply by its deadline")
              .asRuntimeException()));
    }
  }

  /** One ForwardStream call and its writes still unanswered, by id. */
  private final class Stream
      implements ClientResponseObserver<ForwardStreamRequest, ForwardStreamReply> {

    // All guarded by ForwardPipeline.this.
    private ClientCallStreamObserver<ForwardStreamRequest> requests;
    private final Map<Long, Pending> unanswered = new HashMap<>();
    private boolean ended;

    /** Holding the lock. */
    void start() {
      // Opened outside whatever call's context the caller runs in: the stream outlives it, and
      // would be cancelled with it.
      Context previous = Context.ROOT.attach();
      try {
        ReplicationGrpc.newStub(channel).withCallCredentials(credentials).forwardStream(this);
      } finally {
        Context.ROOT.detach(previous);
      }
    }

    /** Called by gRPC within {@link #start}, so holding the lock. */
    @Override
    public void beforeStart(ClientCallStreamObserver<ForwardStreamRequest> requests) {
      this.requests = requests;
    }

    @Override
    public void onNext(ForwardStreamReply reply) {
      Pending answered;
      synchronized (ForwardPipeline.this) {
        answered = unanswered.remove(reply.getId());
      }
      if (answered == null) {
        return; // its deadline passed first: it has failed already
      }
      answered.timer.cancel(false);
      switch (reply.getResultCase()) {
        case COMMITTED -> {
          try {
            answered.answer.complete(ReplicationMessages.fromProto(reply.getCommitted()));
          } catch (RuntimeException unreadable) {
            answered.answer.completeExceptionally(new PeerUnreachableException(
                member + " sent a " + RPC + " reply that cannot be read", unreadable));
          }
        }
        case NOT_COMMITTED -> answered.answer.completeExceptionally(new NotCommittedException(
            "the leader could not commit it: " + reply.getNotCommitted()));
        default -> answered.answer.completeExceptionally(GrpcReplicationTransport.unreachable(
            member, RPC, Status.INTERNAL.withDescription(
                reply.hasFailed() ? reply.getFailed() : "a reply with no result")
                .asRuntimeException()));
      }
    }

    @Override
    public void onError(Throwable failure) {
      Status status = Status.fromThrowable(failure);
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        // gRPC waits 1 s, then up to 120 s, before reconnecting to a member it could not reach,
        // failing every call meanwhile: the follower's own retries set the pace instead.
        channel.resetConnectBackoff();
      }
      boolean unimplemented = status.getCode() == Status.Code.UNIMPLEMENTED;
      List<Pending> left;
      synchronized (ForwardPipeline.this) {
        // Set with the end, so that no write in between opens another stream.
        unaryOnly |= unimplemented;
        left = end();
      }
      if (unimplemented) {
        // The member handled none of them: they go the way it knows.
        for (Pending p : left) {
          p.timer.cancel(false);
          unary.apply(p.request, p.due).whenComplete((done, failed) -> {
            if (failed == null) {
              p.answer.complete(done);
            } else {
              p.answer.completeExceptionally(failed);
            }
          });
        }
        return;
      }
      failAll(left, status);
    }

    /** Only after a half-close, which this side never sends: the member broke the protocol. */
    @Override
    public void onCompleted() {
      failAll(end(), Status.INTERNAL.withDescription("the member closed the stream"));
    }

    /** Marks the stream ended and returns the writes it leaves unanswered. */
    private List<Pending> end() {
      synchronized (ForwardPipeline.this) {
        ended = true;
        List<Pending> left = new ArrayList<>(unanswered.values());
        unanswered.clear();
        return left;
      }
    }

    private void failAll(List<Pending> failed, Status why) {
      for (Pending p : failed) {
        p.timer.cancel(false);
        p.answer.completeExceptionally(
            GrpcReplicationTransport.unreachable(member, RPC, why.asRuntimeException()));
      }
    }
  }
}
