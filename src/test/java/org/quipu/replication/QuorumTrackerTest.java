package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumTrackerTest {

  @Test
  void oneMember_commitsWhatItHoldsDurably() {
    QuorumTracker tracker = new QuorumTracker(Set.of("a"), 1, 0);
    assertEquals(5, tracker.durable("a", 5));
  }

  @Test
  void threeMembers_commitTheHighestSeqHeldByTwo() {
    QuorumTracker tracker = new QuorumTracker(Set.of("a", "b", "c"), 1, 0);
    assertEquals(0, tracker.durable("a", 10), "the leader alone is no majority");
    assertEquals(4, tracker.durable("b", 4));
    assertEquals(7, tracker.durable("c", 7));
    assertEquals(7, tracker.durable("b", 3), "a stale report never moves the commit point back");
  }

  @Test
  void entriesOfAnOlderEpoch_areNotCommittedByCounting_onlyThroughOneOfTheLeadersOwn() {
    // The new leader's first entry is seq 11; 8..10 came from an older epoch.
    QuorumTracker tracker = new QuorumTracker(Set.of("a", "b", "c"), 11, 7);
    tracker.durable("a", 10);
    assertEquals(7, tracker.durable("b", 10), "10 is on a majority but of an older epoch");
    tracker.durable("a", 11);
    assertEquals(11, tracker.durable("b", 11));
  }
}
