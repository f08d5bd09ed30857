package org.quipu.cluster;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import org.quipu.proto.replication.v1.ForwardStreamReply;
import org.quipu.proto.replication.v1.ForwardStreamRequest;

/**
 * One ForwardStream on the leader's side: each request is handed to {@link Handling}, which
 * answers it later through {@link #answer}, from whichever thread ends its commit; answers go out
 * in the order they come, each naming its request. A refusal that concerns the whole stream (see
 * {@link Handling}) ends it, and the requests after it are not handled.
 *
 * <p>Answers come from many threads, and {@link #stop} from the node stopping: what is written to
 * the reply stream is written under this object's lock, and nothing once the stream has ended.
 * When the sender half-closes, the stream ends once every request it sent has been answered.
 */
final class ForwardCall implements StreamObserver<ForwardStreamRequest> {

  /** Takes one request: hands it on, to be answered later, or refuses the whole stream. */
  @FunctionalInterface
  interface Handling {
    /** @return null when taken (it will be answered), or the status that ends the stream */
    Status take(ForwardStreamRequest request, ForwardCall call);
  }

  private final ServerCallStreamObserver<ForwardStreamReply> replies;
  private final Handling handling;
  private final Consumer<ForwardCall> ended;
  // All guarded by this.
  private boolean over;
  private boolean halfClosed;
  private long unanswered;

  /**
   * Must be made before the service method that opens the stream returns (it sets the stream's
   * cancel handler, which gRPC allows only then).
   *
   * @param ended given this call once the stream is over, whichever way it ended
   */
  ForwardCall(ServerCallStreamObserver<ForwardStreamReply> replies, Handling handling,
      Consumer<ForwardCall> ended) {
    this.replies = replies;
    this.handling = handling;
    this.ended = ended;
    // Without a handler gRPC throws at a reply sent after the sender cancelled; with one, that
    // reply is dropped, and onError below tells this object that the stream is over.
    replies.setOnCancelHandler(() -> {});
  }

  @Override
  public void onNext(ForwardStreamRequest request) {
    synchronized (this) {
      if (over) {
        return;
      }
      unanswered++;
    }
    Status refused = handling.take(request, this);
    if (refused != null) {
      end(refused);
    }
  }

  /** Sends one request's answer, unless the stream is over; ends it once it was the last. */
  void answer(ForwardStreamReply reply) {
    boolean last;
    synchronized (this) {
      if (over) {
        return;
      }
      replies.onNext(reply);
      last = --unanswered == 0 && halfClosed;
    }
    if (last) {
      end(Status.OK);
    }
  }

  /** The sender cancelled the stream, or its connection was lost: nobody is left to answer. */
  @Override
  public void onError(Throwable cancelled) {
    synchronized (this) {
      over = true;
    }
    ended.accept(this);
  }

  /** The sender has nothing more to send: the stream ends once what it sent is answered. */
  @Override
  public void onCompleted() {
    boolean done;
    synchronized (this) {
      halfClosed = true;
      done = unanswered == 0;
    }
    if (done) {
      end(Status.OK);
    }
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
}
