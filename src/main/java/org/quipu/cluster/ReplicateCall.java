package org.quipu.cluster;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import org.quipu.proto.replication.v1.AppendReply;
import org.quipu.proto.replication.v1.AppendRequest;

/**
 * One Replicate stream on the member's side: each request is answered by {@link Answering}, and
 * its reply sent before the next request is read, so that replies go back in the order the
 * requests came. A refusal or failure of one request ends the stream with its status; the
 * requests after it are never handled.
 *
 * <p>gRPC hands a stream's requests over one at a time (it asks for the next only when {@link
 * #onNext} returns), so one request is handled at a time even though {@link Answering} may block
 * on the store. {@link #stop} comes from another thread, the node stopping: what is written to the
 * reply stream is therefore written under this object's lock, and nothing after the stream has
 * ended.
 */
final class ReplicateCall implements StreamObserver<AppendRequest> {

  /** One request's reply, or the status that ends the stream. */
  @FunctionalInterface
  interface Answering {
    AppendReply answer(AppendRequest request) throws StatusException;
  }

  private final ServerCallStreamObserver<AppendReply> replies;
  private final Answering answering;
  private final Consumer<ReplicateCall> ended;
  // Guarded by this.
  private boolean over;

  /**
   * Must be made before the service method that opens the stream returns (it sets the stream's
   * cancel handler, which gRPC allows only then).
   *
   * @param ended given this call once the stream is over, whichever way it ended
   */
  ReplicateCall(ServerCallStreamObserver<AppendReply> replies, Answering answering,
      Consumer<ReplicateCall> ended) {
    this.replies = replies;
    this.answering = answering;
    this.ended = ended;
    // Without a handler gRPC throws at a reply sent after the sender cancelled; with one, that
    // reply is dropped, and onError below tells this object that the stream is over.
    replies.setOnCancelHandler(() -> {});
  }

  @Override
  public void onNext(AppendRequest request) {
    if (isOver()) {
      return;
    }
    AppendReply reply = null;
    Status failed = null;
    try {
      reply = answering.answer(request);
    } catch (StatusException refused) {
      failed = refused.getStatus();
    }
    synchronized (this) {
      if (over) {
        return;
      }
      if (failed == null) {
        replies.onNext(reply);
        return;
      }
      over = true;
      replies.onError(failed.asRuntimeException());
    }
    ended.accept(this);
  }

  /** The sender cancelled the stream, or its connection was lost: nobody is left to answer. */
  @Override
  public void onError(Throwable cancelled) {
    synchronized (this) {
      over = true;
    }
    ended.accept(this);
  }

  /** The sender has nothing more to send, and every request it sent has been answered. */
  @Override
  public void onCompleted() {
    end(Status.OK);
  }

  /** Ends the stream with {@code why} (the node stopping), unless it is over already. */
  void stop(Status why) {
    end(why);
  }

  private void end(Status status) {
    synchronized (this) {
      if (over) {
        return;
      }
      over = true;
      if (status.isOk()) {
        replies.onCompleted();
      } else {
        replies.onError(status.asRuntimeException());
      }
    }
    ended.accept(this);
  }

  private synchronized boolean isOver() {
    return over;
  }
}
