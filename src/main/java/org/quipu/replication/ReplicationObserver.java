package org.quipu.replication;

/**
 * Told what the replication stages do, for metrics: every method has a no-op default, so an
 * observer overrides what it counts. Called on the replication threads (the proposer, the
 * replication timer, the transport's callbacks, the applier) and from several at once: an
 * implementation must return at once — add to an atomic or a histogram, never wait for a lock
 * the replication threads may hold, never call back into the write path.
 */
public interface ReplicationObserver {

  /** Observes nothing. */
  ReplicationObserver NONE = new ReplicationObserver() { };

  /**
   * A batch this node appended as leader is committed: a majority holds it durably.
   *
   * @param entries how many entries the batch holds
   * @param nanosSinceAppended from the end of its local durable append to its commit
   */
  default void quorumCommitted(int entries, long nanosSinceAppended) { }

  /**
   * This node, as leader, sent {@code follower} an append carrying {@code entries} entries (at
   * least one: empty heartbeats are not reported).
   */
  default void appendSent(String follower, int entries) { }

  /** This node, a follower, handed a write to the leader. */
  default void forwarded() { }

  /**
   * A write this node forwarded was not acknowledged: the leader refused it (not committed) or did
   * not answer (the outcome is unknown); either way its client got a 503.
   */
  default void forwardFailed() { }
}
