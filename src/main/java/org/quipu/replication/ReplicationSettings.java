package org.quipu.replication;

import java.time.Duration;

/**
 * The replication protocol's timings and sizes.
 *
 * @param heartbeat how long a follower may go without an {@link Append} (one is sent, empty if
 *     need be, after this much quiet; it carries the commit point)
 * @param rpcDeadline the deadline of every replication call, but a contact's (a quarter of the
 *     contact timeout) and that of an append too large for it (see {@link Replicator})
 * @param contactTimeout a leader that has heard from no majority of its group for this long steps
 *     down (it may be cut off while another is elected)
 * @param retryAfter how long a leader waits before calling again a member that did not answer
 * @param maxEntriesPerAppend the most entries one {@link Append} carries
 * @param lease the read lease a leader grants a follower that answers it (DESIGN.md's L); a
 *     follower holds it for 90% of this from when the append (or contact) granting it arrives (a
 *     margin for clocks that run at different rates), the leader counts it held until this long
 *     after that call's deadline
 * @param appendsInFlight the most appends to one follower that may await their answers at once
 *     (pipelining, see {@link Replicator}); 1: each waits for the answer to the one before
 */
public record ReplicationSettings(Duration heartbeat, Duration rpcDeadline,
    Duration contactTimeout, Duration retryAfter, int maxEntriesPerAppend, Duration lease,
    int appendsInFlight) {

  public ReplicationSettings {
    if (appendsInFlight < 1) {
      throw new IllegalArgumentException("appendsInFlight must be at least 1: " + appendsInFlight);
    }
  }

  /**
   * Defaults for a group on one network: 50 ms heartbeats, 2 s deadlines, contact and leases, one
   * append in flight per follower (a node sets its own, QUIPU_REPLICATION_APPENDS_IN_FLIGHT).
   */
  public static ReplicationSettings defaults() {
    return new ReplicationSettings(Duration.ofMillis(50), Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofMillis(100), 2_000, Duration.ofSeconds(2), 1);
  }

  /** These settings with {@code n} appends in flight per follower. */
  public ReplicationSettings withAppendsInFlight(int n) {
    return new ReplicationSettings(heartbeat, rpcDeadline, contactTimeout, retryAfter,
        maxEntriesPerAppend, lease, n);
  }
}
