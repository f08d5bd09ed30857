package org.quipu.cluster;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.quipu.proto.replication.v1.AppendReply;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;

/** The replies a Replicate stream brings, and how it ended. */
final class ReplicateRecorder implements StreamObserver<AppendReply> {
  final List<AppendReply> replies = new CopyOnWriteArrayList<>();
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  @Override
  public void onNext(AppendReply reply) {
    replies.add(reply);
  }

  @Override
  public void onError(Throwable failed) {
    ended.completeExceptionally(failed);
  }

  @Override
  public void onCompleted() {
    ended.complete(null);
  }

  /**
   * Sends {@code appends} on one Replicate stream, with {@code options}' channel, secret and
   * deadline, without waiting for any reply, then half-closes it; returns the replies once the
   * member has ended the stream, or throws the status it ended it with.
   */
  static List<AppendReply> replicate(ReplicationGrpc.ReplicationBlockingStub options,
      List<AppendRequest> appends) {
    ReplicateRecorder recorder = new ReplicateRecorder();
    StreamObserver<AppendRequest> stream = ReplicationGrpc.newStub(options.getChannel())
        .withCallCredentials(options.getCallOptions().getCredentials())
        .withDeadline(options.getCallOptions().getDeadline())
        .replicate(recorder);
    appends.forEach(stream::onNext);
    stream.onCompleted();
    try {
      recorder.ended.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      throw (StatusRuntimeException) failed.getCause();
    } catch (Exception e) {
      throw new AssertionError("the stream did not end", e);
    }
    return recorder.replies;
  }
}
