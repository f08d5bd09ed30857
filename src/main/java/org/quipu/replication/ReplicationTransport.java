package org.quipu.replication;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How a leader reaches the other members of its group. Every call names the member by its node
 * id, carries the sender's epoch inside its message and a deadline; a future fails with {@link
 * PeerUnreachableException} when the member did not answer in time or could not be reached, and
 * with nothing else. Implementations: the gRPC adapter in {@code cluster}, and a simulated network
 * in the tests.
 */
public interface ReplicationTransport {

  CompletableFuture<Promise> newEpoch(String member, NewEpoch request, Duration deadline);

  /**
   * Sends an {@link Append}. Replies to one member's appends may be pipelined, but a member handles
   * them in the order they were sent for as long as the connection lasts.
   */
  CompletableFuture<AppendReply> append(String member, Append request, Duration deadline);

  CompletableFuture<Fetched> fetch(String member, Fetch request, Duration deadline);

  /** Sends a {@link Contact} at once, not after the member's running appends. */
  CompletableFuture<Contacted> contact(String member, Contact request, Duration deadline);

  /** Sends a piece of a snapshot; the leader has one in flight per member at a time. */
  CompletableFuture<SnapshotReceived> installSnapshot(String member, SnapshotChunk chunk,
      Duration deadline);

  /** The transport of a group of one: it has no one to call, and every call fails so. */
  static ReplicationTransport noPeers() {
    return new ReplicationTransport() {
      @Override
      public CompletableFuture<Promise> newEpoch(String member, NewEpoch request,
          Duration deadline) {
        return none(member);
      }

      @Override
      public CompletableFuture<AppendReply> append(String member, Append request,
          Duration deadline) {
        return none(member);
      }

      @Override
      public CompletableFuture<Fetched> fetch(String member, Fetch request, Duration deadline) {
        return none(member);
      }

      @Override
      public CompletableFuture<Contacted> contact(String member, Contact request,
          Duration deadline) {
        return none(member);
      }

      @Override
      public CompletableFuture<SnapshotReceived> installSnapshot(String member,
          SnapshotChunk chunk, Duration deadline) {
        return none(member);
      }

      private <T> CompletableFuture<T> none(String member) {
        return CompletableFuture.failedFuture(
            new PeerUnreachableException("no transport to " + member + " in a group of one", null));
      }
    };
  }
}
