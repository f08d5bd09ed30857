package org.quipu.replication;

import java.util.Collection;
import java.util.Optional;

/**
 * A node just granted leadership giving it back at once, for {@code forWhom}, a member that
 * promised it and could serve far sooner; {@code best} is the most advanced promise of the
 * majority, whose log the new leader must hold. A new leader serves only once it holds that log
 * and has applied all of it (its epoch-start entry is answered after everything before it): a node
 * still catching up — restarted after a long outage, say — may have thousands of entries to fetch
 * and apply first, while the others are up to date. ZooKeeper's latch knows nothing of logs and can
 * grant such a node leadership (sessions expire on a saturated machine, and a new latch znode can
 * land first in the queue): on this 2-core machine a node 10,009 entries behind took 34.7 s to
 * serve, and writes stalled that long (README, "catch-up").
 *
 * <p>Standing aside changes nothing the protocol relies on: the node has promised its epoch and
 * collected promises, but appended nothing; the next leader takes a later epoch. It costs one more
 * election (tens of milliseconds here), so it is worth it only when the gap is large, and it must
 * never go round in circles: the member that could serve soonest never stands aside, and a node
 * stands aside at most once for a given most advanced log. Granted again before anyone has led
 * since (that log is where it was), the member it stood aside for could not take over — cut off
 * from ZooKeeper, say — and it leads itself.
 */
record StandAside(Promise forWhom, Promise best) {

  /**
   * How many more entries than another member a new leader must have to fetch and apply before it
   * stands aside: on this machine a second's applying or more, against tens of milliseconds for
   * one more election.
   */
  static final long ENTRIES_BEHIND = 1_000;

  /**
   * Whether {@code self} should stand aside, and for whom: of the members that promised, the one
   * with the least to fetch and apply before it could serve, when {@code self} has more than {@link
   * #ENTRIES_BEHIND} entries more to do — unless it {@code last} stood aside at this same log.
   *
   * @param promises the majority's promises, {@code self}'s own among them
   * @param best the most advanced of them, whose log the new leader must hold
   * @param last when this node last stood aside; null if never
   */
  static Optional<StandAside> decide(String self, Collection<Promise> promises, Promise best,
      StandAside last) {
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
    boolean again = last != null && last.best().lastEpoch() == best.lastEpoch()
        && last.best().lastSeq() == best.lastSeq();
    return soonest != null && !again && toDo(own, best) - toDo(soonest, best) > ENTRIES_BEHIND
        ? Optional.of(new StandAside(soonest, best))
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
