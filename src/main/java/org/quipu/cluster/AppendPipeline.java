package org.quipu.cluster;

import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.replication.AppendReply;
import org.quipu.replication.PeerUnreachableException;

/**
 * One member's appends, over a Replicate stream (see replication.proto): each append is written on
 * the member's open stream at once, without waiting for the replies to those before it, and its
 * future completes with the reply that comes back in its place, since the member answers a
 * stream's appends in the order sent. At most one stream per member is open: the first append
 * opens it, and the first append after it ended opens the next.
 *
 * <p>The stream has no deadline; each append's runs here, on a timer. An append still unanswered
 * at its deadline cancels the stream, and it and every append still unanswered on that stream fail
 * with {@link PeerUnreachableException}; so do the unanswered appends of a stream that ends any
 * other way (the member refused or failed an append, stopped, or could not be reached: UNAVAILABLE
 * also resets the channel's reconnect backoff, as for the unary calls). A reply that cannot be read
 * fails its own append only: the order is kept, so the replies after it still match theirs. A
 * member that answers more appends than it was sent has lost the order: its stream is cancelled.
 *
 * <p>Nothing is ordered across streams: an append that failed may still be running on the member
 * when the first append of the next stream arrives there, and both may run at once. The member
 * tolerates that (a follower drops only entries that conflict with its log).
 *
 * <p>No back-pressure: an append is written whatever the stream's flow-control window, and gRPC
 * buffers what the member has not yet taken. The replicator keeps at most a few appends, each of
 * bounded size, in flight per member, which bounds that buffer.
 *
 * <p>Thread-safe: appends come from several threads. The open stream, what is written on it and its
 * queue of unanswered appends are guarded by this object's lock; futures are completed outside it,
 * on gRPC's threads or the timer's, so what is chained on them must not block.
 */
final class AppendPipeline {

  private static final String RPC = "Replicate";
  private static final Status TOO_MANY_REPLIES =
      Status.INTERNAL.withDescription("the member sent more replies than appends");

  private final String member;
  private final ManagedChannel channel;
  private final CallCredentials credentials;
  private final ScheduledExecutorService deadlines;
  // Guarded by this.
  private Stream open;

  /**
   * @param deadlines runs each append's deadline; once it is shut down, appends fail unsent
   */
  AppendPipeline(String member, ManagedChannel channel, CallCredentials credentials,
      ScheduledExecutorService deadlines) {
    this.member = member;
    this.channel = channel;
    this.credentials = credentials;
    this.deadlines = deadlines;
  }

  /** An append waiting for its reply. */
  private static final class Pending {
    final CompletableFuture<AppendReply> answer = new CompletableFuture<>();
    /** Set before the append is queued, under the lock. */
    ScheduledFuture<?> timer;
  }

  /** Writes {@code request} on the member's stream, opening one when none is open. */
  CompletableFuture<AppendReply> send(AppendRequest request, Deadline due) {
    Pending sent = new Pending();
    long nanos = due.timeRemaining(TimeUnit.NANOSECONDS);
    if (nanos <= 0) { // a timer firing at once would cancel the appends before it too
      sent.answer.completeExceptionally(GrpcReplicationTransport.unreachable(member, RPC,
          Status.DEADLINE_EXCEEDED.withDescription("its deadline had passed before it was sent")
              .asRuntimeException()));
      return sent.answer;
    }
    RejectedExecutionException notSent = null;
    synchronized (this) {
      try {
        if (open == null || open.ended) {
          Stream next = new Stream();
          next.start();
          open = next;
        }
        Stream on = open;
        sent.timer = deadlines.schedule(() -> expire(on, sent), nanos, TimeUnit.NANOSECONDS);
        on.unanswered.add(sent);
        on.requests.onNext(request);
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

  /** Cancels {@code stream} if {@code late} is still unanswered on it: its deadline has passed. */
  private void expire(Stream stream, Pending late) {
    Status expired = Status.DEADLINE_EXCEEDED.withDescription(
        "the stream was cancelled: an append on it had no reply by its deadline");
    List<Pending> failed;
    synchronized (this) {
      if (!stream.unanswered.contains(late)) {
        return; // answered, or failed with its stream, as the timer fired
      }
      failed = stream.end(expired, true);
    }
    failAll(failed, expired);
  }

  private void failAll(List<Pending> failed, Status why) {
    for (Pending p : failed) {
      p.timer.cancel(false);
      p.answer.completeExceptionally(
          GrpcReplicationTransport.unreachable(member, RPC, why.asRuntimeException()));
    }
  }

  /** One Replicate call and its appends still unanswered, oldest first. */
  private final class Stream implements ClientResponseObserver<AppendRequest,
      org.quipu.proto.replication.v1.AppendReply> {

    // All guarded by AppendPipeline.this.
    private ClientCallStreamObserver<AppendRequest> requests;
    private final ArrayDeque<Pending> unanswered = new ArrayDeque<>();
    private boolean ended;

    /** Holding the lock. */
    void start() {
      // Opened outside whatever call's context the caller runs in (a Forward being served, say):
      // the stream outlives that call, and would be cancelled with it.
      Context previous = Context.ROOT.attach();
      try {
        ReplicationGrpc.newStub(channel).withCallCredentials(credentials).replicate(this);
      } finally {
        Context.ROOT.detach(previous);
      }
    }

    /** Called by gRPC within {@link #start}, so holding the lock. */
    @Override
    public void beforeStart(ClientCallStreamObserver<AppendRequest> requests) {
      this.requests = requests;
    }

    /**
     * Holding the lock: marks the stream ended, cancels the call when {@code cancel} and returns
     * the appends it leaves unanswered, for the caller to fail outside the lock.
     */
    List<Pending> end(Status why, boolean cancel) {
      if (ended) {
        return List.of();
      }
      ended = true;
      List<Pending> left = new ArrayList<>(unanswered);
      unanswered.clear();
      if (cancel) {
        requests.cancel(why.getDescription() == null ? why.getCode().toString()
            : why.getDescription(), why.getCause());
      }
      return left;
    }

    @Override
    public void onNext(org.quipu.proto.replication.v1.AppendReply reply) {
      Pending answered;
      List<Pending> failed = List.of();
      synchronized (AppendPipeline.this) {
        answered = unanswered.poll();
        if (answered == null) {
          // Nothing left waiting: a reply that crossed this side's cancel (then the stream has
          // ended already and this does nothing), or one more than the member was sent, after
          // which no reply on this stream can be trusted to match its append.
          failed = end(TOO_MANY_REPLIES, true);
        }
      }
      if (answered == null) {
        failAll(failed, TOO_MANY_REPLIES);
        return;
      }
      answered.timer.cancel(false);
      try {
        answered.answer.complete(ReplicationMessages.fromProto(reply));
      } catch (RuntimeException unreadable) {
        answered.answer.completeExceptionally(new PeerUnreachableException(
            member + " sent a " + RPC + " reply that cannot be read", unreadable));
      }
    }

    @Override
    public void onError(Throwable failure) {
      Status status = Status.fromThrowable(failure);
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        // gRPC waits 1 s, then up to 120 s, before reconnecting to a member it could not reach,
        // failing every call meanwhile: the leader's own retries set the pace instead.
        channel.resetConnectBackoff();
      }
      List<Pending> failed;
      synchronized (AppendPipeline.this) {
        failed = end(status, false);
      }
      failAll(failed, status);
    }

    /** Only after a half-close, which this side never sends: the member broke the protocol. */
    @Override
    public void onCompleted() {
      Status closed = Status.INTERNAL.withDescription("the member closed the stream");
      List<Pending> failed;
      synchronized (AppendPipeline.this) {
        failed = end(closed, false);
      }
      failAll(failed, closed);
    }
  }
}
