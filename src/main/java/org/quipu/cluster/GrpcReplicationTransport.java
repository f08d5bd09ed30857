package org.quipu.cluster;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.FetchReply;
import org.quipu.proto.replication.v1.FetchRequest;
import org.quipu.proto.replication.v1.NewEpochRequest;
import org.quipu.proto.replication.v1.PromiseReply;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.PeerUnreachableException;
import org.quipu.replication.Promise;
import org.quipu.replication.ReplicationTransport;

/**
 * The leader's side of {@code quipu.replication.v1.Replication}: {@link ReplicationTransport} over
 * gRPC, to a fixed set of members (a change of membership means a new transport).
 *
 * <p>One plaintext channel per member, opened lazily by gRPC and kept until {@link #close}: the
 * cluster secret, sent with every call, is the authentication. Every call carries the deadline it
 * is given and never blocks the caller's thread. A future completes with the member's answer, or
 * fails with {@link PeerUnreachableException} and nothing else: for any gRPC failure (its message
 * names the member, the rpc and the status code and description), for a member this transport does
 * not know, and for a reply it cannot read. A refusal for a stale epoch is an answer, not a
 * failure. Futures complete on gRPC's threads: what is chained on them must not block.
 *
 * <p>Thread-safe. Calls made after {@link #close} fail with {@link PeerUnreachableException}.
 */
public final class GrpcReplicationTransport implements ReplicationTransport, AutoCloseable {

  private final String self;
  private final ClusterPaths group;
  private final CallCredentials credentials;
  private final Map<String, ManagedChannel> channels;

  /**
   * @param self this node's id: every message sent must name it as its sender
   * @param group the replication group every message sent must belong to
   * @param members member id to its gRPC address ("host:port")
   */
  public GrpcReplicationTransport(String self, ClusterPaths group, ClusterSecret secret,
      Map<String, String> members) {
    this.self = self;
    this.group = group;
    this.credentials = secret.credentials();
    Map<String, ManagedChannel> open = new HashMap<>();
    members.forEach((id, address) ->
        open.put(id, NettyChannelBuilder.forTarget(address).usePlaintext().build()));
    this.channels = Map.copyOf(open);
  }

  /** @throws IllegalArgumentException when the message is not from this node and its group */
  @Override
  public CompletableFuture<Promise> newEpoch(String member, NewEpoch request, Duration deadline) {
    checkSender(request.group(), request.leaderId());
    NewEpochRequest sent = ReplicationMessages.toProto(request);
    return this.<PromiseReply, Promise>call(member, "NewEpoch", deadline,
        (stub, reply) -> stub.newEpoch(sent, reply), ReplicationMessages::fromProto);
  }

  /** @throws IllegalArgumentException when the message is not from this node and its group */
  @Override
  public CompletableFuture<AppendReply> append(String member, Append request, Duration deadline) {
    checkSender(request.group(), request.leaderId());
    AppendRequest sent = ReplicationMessages.toProto(request);
    return this.<org.quipu.proto.replication.v1.AppendReply, AppendReply>call(member,
        "Append", deadline, (stub, reply) -> stub.append(sent, reply),
        ReplicationMessages::fromProto);
  }

  /** @throws IllegalArgumentException when the message is not from this node and its group */
  @Override
  public CompletableFuture<Fetched> fetch(String member, Fetch request, Duration deadline) {
    checkSender(request.group(), request.leaderId());
    FetchRequest sent = ReplicationMessages.toProto(request);
    return this.<FetchReply, Fetched>call(member, "Fetch", deadline,
        (stub, reply) -> stub.fetch(sent, reply), ReplicationMessages::fromProto);
  }

  private void checkSender(int messageGroup, String sender) {
    if (messageGroup != group.group() || !self.equals(sender)) {
      throw new IllegalArgumentException("this transport sends for " + self + " in group "
          + group.group() + ", not for " + sender + " in group " + messageGroup);
    }
  }

  /**
   * Starts {@code rpc} on {@code member}'s channel; the future gets its reply read by {@code read}.
   */
  private <R, T> CompletableFuture<T> call(String member, String rpc, Duration deadline,
      BiConsumer<ReplicationGrpc.ReplicationStub, StreamObserver<R>> start, Function<R, T> read) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    ManagedChannel channel = channels.get(member);
    if (channel == null) {
      answer.completeExceptionally(new PeerUnreachableException(
          "no member " + member + " in this transport: " + rpc + " not sent", null));
      return answer;
    }
    ReplicationGrpc.ReplicationStub stub = ReplicationGrpc.newStub(channel)
        .withCallCredentials(credentials)
        .withDeadlineAfter(nanos(deadline), TimeUnit.NANOSECONDS);
    start.accept(stub, new StreamObserver<>() {
      private R reply;

      @Override
      public void onNext(R value) {
        reply = value;
      }

      @Override
      public void onError(Throwable failed) {
        Status status = Status.fromThrowable(failed);
        answer.completeExceptionally(new PeerUnreachableException(member + " did not answer "
            + rpc + ": " + status.getCode()
            + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"),
            failed));
      }

      @Override
      public void onCompleted() {
        try {
          answer.complete(read.apply(reply));
        } catch (RuntimeException unreadable) {
          answer.completeExceptionally(new PeerUnreachableException(
              member + " sent a " + rpc + " reply that cannot be read", unreadable));
        }
      }
    });
    return answer;
  }

  /** The deadline in nanoseconds, a deadline too far to count in them being as good as none. */
  private static long nanos(Duration deadline) {
    try {
      return deadline.toNanos();
    } catch (ArithmeticException tooFar) {
      return Long.MAX_VALUE;
    }
  }

  /** Closes every channel at once: calls still running fail with PeerUnreachableException. */
  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    try {
      for (ManagedChannel channel : channels.values()) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
