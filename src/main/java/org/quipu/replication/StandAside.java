package org.quipu.replication;

import java.util.Collection;
import java.util.Optional;

/**
 * Whether a node just granted leadership should give it back at once, because a member that
 * promised it could serve far sooner. A new leader serves only once it holds the most advanced log
 * of its majority and has applied all of it (its epoch-start entry is answered after everything
 * before it): a node still catching up — restarted after a long outage, say — may have thousands of
 * entries to fetch and apply first, while the others are up to date. ZooKeeper's latch knows
 * nothing of logs and can grant such a node leadership (its sessions expire under load, and a new
 * latch znode can land first in the queue): on this 2-core machine a node 10,009 entries behind
 * took 34.7 s to serve, and writes stalled that long (README, "catch-up").
 *
 * <p>Standing aside changes nothing the protocol relies on: the node has promised its epoch and
 * collected promises, but appended nothing; the next leader takes a later epoch. It costs one more
 * election (about a tenth of a second here), so it is worth it only when the gap is large, and it
 * must never go round in circles: the member that could serve soonest never stands aside, and a
 * node stands aside at most once in {@link #AT_MOST_EVERY_NANOS} (the {@link Proposer} keeps that),
 * so that one which cannot take the leadership (cut off from ZooKeeper, say) is not waited for.
 */
final class StandAside {

  /**
   * How many more entries than another member a new leader must have to fetch and apply before it
   * stands aside: on this machine about a second's applying or more, against a tenth of a second
   * for one more election.
   */
  static final long ENTRIES_BEHIND = 1_000;

  /** A node that stood aside leads the next epoch it is granted within this long. */
  static final long AT_MOST_EVERY_NANOS = 10_000_000_000L;

  private StandAside() {}

  /**
   * The member {@code self} should give the leadership to, if any: of the members that promised,
   * the one with the least to fetch and apply before it could serve, when {@code self} has more
   * than {@link #ENTRIES_BEHIND} entries more to do.
   *
   * @param promises the majority's promises, {@code self}'s own among them
   * @param best the most advanced of them, whose log the new leader must hold
   */
  static Optional<Promise> forWhom(String self, Collection<Promise> promises, Promise best) {
    Promise own = null;
    Promise soonest = null;
    for (Promise p : promises) {
      if (p.nodeId().equals(self)) {
        own = p;
      } else if (soonest == null || toDo(p, best) < toDo(soonest, best)) {
        soonest = p;
      }
    }
    if (own == null) {
      throw new IllegalArgumentException(self + "'s own promise is not among " + promises);
    }
    return soonest != null && toDo(own, best) - toDo(soonest, best) > ENTRIES_BEHIND
        ? Optional.of(soonest)
        : Optional.empty();
  }

  /**
   * How many entries the member that promised {@code p} must fetch and apply before it could
   * serve as leader: those of {@code best}'s log beyond its own, and those it has not applied.
   */
  static long toDo(Promise p, Promise best) {
    return Math.max(0, best.lastSeq() - p.lastSeq()) + Math.max(0, best.lastSeq() - p.appliedSeq());
  }
}
