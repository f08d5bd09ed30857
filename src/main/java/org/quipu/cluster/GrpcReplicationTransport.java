package org.quipu.cluster;

import io.grpc.CallCredentials;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.quipu.core.command.Command;
import org.quipu.proto.replication.v1.AppendRequest;
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
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.Committed;
import org.quipu.replication.Contact;
import org.quipu.replication.Contacted;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.SnapshotChunk;
import org.quipu.replication.SnapshotReceived;
import org.quipu.replication.Forwarding;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.NotCommittedException;
import org.quipu.replication.PeerUnreachableException;
import org.quipu.replication.Promise;
import org.quipu.replication.ReplicationTransport;

/**
 * The calling side of {@code quipu.replication.v1.Replication}, to a fixed set of members (a change
 * of membership means a new transport): the leader's {@link ReplicationTransport}, and a
 * follower's {@link Forwarding} to the leader. One class for both, so that a node keeps one
 * channel per member whichever role it has, and every call shares the same secret, deadline and
 * failure handling.
 *
 * <p>One channel per member ({@link NodeTls#channel}: over mutual TLS, one that reaches only a
 * server whose certificate names that member), opened lazily by gRPC and kept until {@link
 * #close}; the cluster secret is sent with every call besides. Every call is bounded by the
 * deadline it is given (a unary call carries it; an append's runs on this side, see below) and
 * never blocks the caller's thread. A future completes with the member's answer, or
 * fails with {@link PeerUnreachableException} and nothing else (Forward aside, see below): for any
 * gRPC failure (its message names the member, the rpc and the status code and description), for a
 * member this transport does not know, and for a reply it cannot read. A refusal for a stale epoch
 * is an answer, not a failure. Futures complete on gRPC's threads (or, for an append past its
 * deadline, on the transport's timer thread): what is chained on them must not block.
 *
 * <p>Appends to one member go over one Replicate stream at a time ({@link AppendPipeline}): each is
 * written at once, without waiting for the replies to those before it, and the member handles and
 * answers them in the order written, which is the order {@link ReplicationTransport#append}
 * promises. The stream has no deadline; an append's deadline runs from the call to {@code append},
 * and one unanswered by then cancels the stream, failing it and every append still unanswered on
 * that stream; the next append opens a new stream. An append that failed may still be running on
 * the member when the first append of the next stream arrives: the member tolerates that, as a
 * follower that drops only conflicting entries does. NewEpoch, Contact, Fetch, InstallSnapshot and
 * Forward are unary calls, sent at once (a leader has one snapshot chunk in flight per member):
 * forwards carry independent client writes, which the leader orders itself, so any number of them
 * run side by side on the member's channel.
 *
 * <p>Forward is the one call that can fail with something else: {@link NotCommittedException}
 * when the leader answered that it could not commit the command (UNAVAILABLE with the
 * not-committed trailer, see {@link ReplicationMessages#notCommitted}), its message what the
 * leader said. An UNAVAILABLE without that trailer is a connection that failed, so the outcome is
 * unknown: PeerUnreachableException, as for every other failure.
 *
 * <p>A member that could not be reached (UNAVAILABLE) is connected to again at the next call, not
 * after gRPC's reconnect backoff (1 s growing to 120 s, calls failing fast meanwhile): the
 * leader's retries already pace the calls, and a member back from a long outage must be reached
 * at once — it may be the one the majority waits for.
 *
 * <p>Thread-safe. Calls made after {@link #close} fail with {@link PeerUnreachableException}.
 */
public final class GrpcReplicationTransport
    implements ReplicationTransport, Forwarding, AutoCloseable {

  private static final String FORWARD = "Forward";

  private final String self;
  private final ClusterPaths group;
  private final CallCredentials credentials;
  private final Map<String, MemberChannel> members;
  /** Runs the deadlines of every member's appends. */
  private final ScheduledExecutorService appendDeadlines;

  /** One member's channel, and its appends' stream on it. */
  private record MemberChannel(ManagedChannel channel, AppendPipeline appends) {}

  /**
   * @param self this node's id: every message sent must name it as its sender
   * @param group the replication group every message sent must belong to
   * @param tls how the channels to the members are carried
   * @param members member id to its gRPC address ("host:port")
   */
  public GrpcReplicationTransport(String self, ClusterPaths group, ClusterSecret secret,
      NodeTls tls, Map<String, String> members) {
    this.self = self;
    this.group = group;
    this.credentials = secret.credentials();
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "quipu-append-deadlines-" + self);
      t.setDaemon(true);
      return t;
    });
    // Nearly every append is answered well before its deadline: its cancelled timer goes at once
    // rather than wait in the queue for as long as the deadline.
    timer.setRemoveOnCancelPolicy(true);
    this.appendDeadlines = timer;
    Map<String, MemberChannel> open = new HashMap<>();
    members.forEach((id, address) -> {
      ManagedChannel channel = tls.channel(id, address);
      open.put(id, new MemberChannel(channel,
          new AppendPipeline(id, channel, credentials, appendDeadlines)));
    });
    this.members = Map.copyOf(open);
  }

  /** @throws IllegalArgumentException when the message is not from this node and its group */
  @Override
  public CompletableFuture<Promise> newEpoch(String member, NewEpoch request, Duration deadline) {
    checkSender(request.group(), request.leaderId());
    NewEpochRequest sent = ReplicationMessages.toProto(request);
    CompletableFuture<Promise> answer = new CompletableFuture<>();
    MemberChannel to = members.get(member);
    if (to == null) {
      return unknown(member, "NewEpoch", answer);
    }
    this.<PromiseReply, Promise>call(to, member, "NewEpoch", due(deadline),
        (stub, reply) -> stub.newEpoch(sent, reply), ReplicationMessages::fromProto, answer);
    return answer;
  }

  /** @throws IllegalArgumentException when the message is not from this node and its group */
  @Override
  public CompletableFuture<AppendReply> append(String member, Append request, Duration deadline) {
    checkSender(request.group(), request.leaderId());
    AppendRequest sent = ReplicationMessages.toProto(request);
    Deadline due = due(deadline);
    MemberChannel to = members.get(member);
    if (to == null) {
      return unknown(member, "Replicate", new CompletableFuture<>());
    }
    return to.appends().send(sent, due);
  }

  /**
   * Sent at once as a unary call, beside the member's Replicate stream (not behind the appends
   * waiting on it).
   *
   * @throws IllegalArgumentException when the message is not from this node and its group
   */
  @Override
  public CompletableFuture<Contacted> contact(String member, Contact request, Duration deadline) {
    checkSender(request.group(), request.leaderId());
    ContactRequest sent = ReplicationMessages.toProto(request);
    CompletableFuture<Contacted> answer = new CompletableFuture<>();
    MemberChannel to = members.get(member);
    if (to == null) {
      return unknown(member, "Contact", answer);
    }
    this.<ContactReply, Contacted>call(to, member, "Contact", due(deadline),
        (stub, reply) -> stub.contact(sent, reply), ReplicationMessages::fromProto, answer);
    return answer;
  }

  /** @throws IllegalArgumentException when the message is not from this node and its group */
  @Override
  public CompletableFuture<Fetched> fetch(String member, Fetch request, Duration deadline) {
    checkSender(request.group(), request.leaderId());
    FetchRequest sent = ReplicationMessages.toProto(request);
    CompletableFuture<Fetched> answer = new CompletableFuture<>();
    MemberChannel to = members.get(member);
    if (to == null) {
      return unknown(member, "Fetch", answer);
    }
    this.<FetchReply, Fetched>call(to, member, "Fetch", due(deadline),
        (stub, reply) -> stub.fetch(sent, reply), ReplicationMessages::fromProto, answer);
    return answer;
  }

  /** @throws IllegalArgumentException when the chunk is not from this node and its group */
  @Override
  public CompletableFuture<SnapshotReceived> installSnapshot(String member, SnapshotChunk chunk,
      Duration deadline) {
    checkSender(chunk.group(), chunk.leaderId());
    org.quipu.proto.replication.v1.SnapshotChunk sent = ReplicationMessages.toProto(chunk);
    CompletableFuture<SnapshotReceived> answer = new CompletableFuture<>();
    MemberChannel to = members.get(member);
    if (to == null) {
      return unknown(member, "InstallSnapshot", answer);
    }
    this.<SnapshotReply, SnapshotReceived>call(to, member, "InstallSnapshot", due(deadline),
        (stub, reply) -> stub.installSnapshot(sent, reply), ReplicationMessages::fromProto,
        answer);
    return answer;
  }

  /**
   * Sent as this node, in this transport's group, with epoch 0: the leader does not check a
   * forward's epoch.
   */
  @Override
  public CompletableFuture<Committed> forward(String leaderId, Command command,
      Duration deadline) {
    ForwardRequest sent = ReplicationMessages.toProto(group.group(), self, command);
    CompletableFuture<Committed> answer = new CompletableFuture<>();
    MemberChannel to = members.get(leaderId);
    if (to == null) {
      return unknown(leaderId, FORWARD, answer);
    }
    this.<ForwardReply, Committed>call(to, leaderId, FORWARD, due(deadline),
        (stub, reply) -> stub.forward(sent, reply), ReplicationMessages::fromProto, answer);
    return answer;
  }

  private void checkSender(int messageGroup, String sender) {
    if (messageGroup != group.group() || !self.equals(sender)) {
      throw new IllegalArgumentException("this transport sends for " + self + " in group "
          + group.group() + ", not for " + sender + " in group " + messageGroup);
    }
  }

  private static <T> CompletableFuture<T> unknown(String member, String rpc,
      CompletableFuture<T> answer) {
    answer.completeExceptionally(new PeerUnreachableException(
        "no member " + member + " in this transport: " + rpc + " not sent", null));
    return answer;
  }

  /**
   * Starts the unary {@code rpc} on {@code to}'s channel; completes {@code answer} with the reply
   * as {@code read} reads it, or with PeerUnreachableException.
   */
  private <R, T> void call(MemberChannel to, String member, String rpc, Deadline due,
      BiConsumer<ReplicationGrpc.ReplicationStub, StreamObserver<R>> start, Function<R, T> read,
      CompletableFuture<T> answer) {
    StreamObserver<R> observer = new StreamObserver<>() {
      private R reply;

      @Override
      public void onNext(R value) {
        reply = value;
      }

      @Override
      public void onError(Throwable failed) {
        if (Status.fromThrowable(failed).getCode() == Status.Code.UNAVAILABLE) {
          // gRPC waits 1 s, then up to 120 s, before reconnecting to a member it could not
          // reach, failing every call meanwhile: the caller's own retries set the pace instead.
          to.channel().resetConnectBackoff();
        }
        answer.completeExceptionally(failure(member, rpc, failed));
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
    };
    try {
      start.accept(ReplicationGrpc.newStub(to.channel())
          .withCallCredentials(credentials)
          .withDeadline(due), observer);
    } catch (RuntimeException notStarted) {
      // gRPC reports failures through the observer; this keeps the future the one way to fail.
      observer.onError(notStarted);
    }
  }

  /**
   * What a failed call fails its future with: NotCommittedException for the leader's own refusal
   * of a Forward, PeerUnreachableException for everything else.
   */
  private static Exception failure(String member, String rpc, Throwable failed) {
    Status status = Status.fromThrowable(failed);
    if (FORWARD.equals(rpc) && ReplicationMessages.isNotCommitted(failed)) {
      return new NotCommittedException("the leader did not commit it: "
          + (status.getDescription() == null ? "no reason given" : status.getDescription()));
    }
    return unreachable(member, rpc, failed);
  }

  /** What a call that failed with {@code failed} fails its future with, naming its status. */
  static PeerUnreachableException unreachable(String member, String rpc, Throwable failed) {
    Status status = Status.fromThrowable(failed);
    return new PeerUnreachableException(member + " did not answer " + rpc + ": "
        + status.getCode()
        + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"),
        failed);
  }

  /** The deadline {@code after} from now, one too far to count in nanoseconds being as none. */
  private static Deadline due(Duration after) {
    long nanos;
    try {
      nanos = after.toNanos();
    } catch (ArithmeticException tooFar) {
      nanos = Long.MAX_VALUE;
    }
    return Deadline.after(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Closes every channel at once: calls still running, and appends still unanswered, fail with
   * PeerUnreachableException.
   */
  @Override
  public void close() {
    members.values().forEach(m -> m.channel().shutdownNow());
    try {
      for (MemberChannel m : members.values()) {
        m.channel().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      appendDeadlines.shutdownNow();
    }
  }
}
