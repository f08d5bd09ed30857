package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StandAsideTest {

  private static final long FAR = StandAside.ENTRIES_BEHIND;

  /** A promise of epoch 9 from a log ending at (5, lastSeq) applied to appliedSeq. */
  private static Promise promise(String node, long lastSeq, long appliedSeq) {
    return new Promise(node, true, 9, 5, lastSeq, appliedSeq);
  }

  @Test
  void toDo_countsEntriesToFetchAndEntriesToApply() {
    Promise best = promise("n2", 5_000, 4_990);

    assertEquals(10, StandAside.toDo(best, best));
    assertEquals(1_000 + 3_000, StandAside.toDo(promise("n3", 4_000, 2_000), best));
  }

  @Test
  void toDo_ofALogWithALongerOlderTail_countsNothingToFetch() {
    Promise best = new Promise("n2", true, 9, 6, 5_000, 5_000);
    Promise olderEpochLonger = new Promise("n3", true, 9, 5, 5_200, 4_900);

    assertEquals(100, StandAside.toDo(olderEpochLonger, best));
  }

  @Test
  void decide_aNodeUpToDate_neverStandsAside() {
    Promise own = promise("n1", 5_000, 5_000);
    Promise behind = promise("n3", 100, 100);

    assertTrue(StandAside.decide("n1", List.of(own, behind), own, null).isEmpty());
  }

  @Test
  void decide_aNodeBehindByLessThanTheBound_leads() {
    Promise own = promise("n3", 5_000 - FAR / 2, 5_000 - FAR / 2);
    Promise best = promise("n2", 5_000, 5_000);

    assertTrue(StandAside.decide("n3", List.of(own, best), best, null).isEmpty());
  }

  @Test
  void decide_aNodeFarBehindInItsLog_standsAsideForTheMemberUpToDate() {
    Promise own = promise("n3", 5_000 - FAR, 5_000 - FAR);
    Promise best = promise("n2", 5_000, 5_000);

    assertEquals(best,
        StandAside.decide("n3", List.of(own, best), best, null).orElseThrow().forWhom());
  }

  @Test
  void decide_aNodeWithTheWholeLogButFarBehindInApplying_standsAside() {
    Promise own = promise("n3", 5_000, 5_000 - 2 * FAR);
    Promise other = promise("n2", 5_000, 5_000);

    assertEquals(other,
        StandAside.decide("n3", List.of(own, other), own, null).orElseThrow().forWhom());
  }

  @Test
  void decide_choosesTheMemberWithTheLeastToDo() {
    Promise own = promise("n1", 1_000, 1_000);
    Promise best = promise("n2", 9_000, 5_000);
    Promise soonest = promise("n3", 8_900, 8_900);

    assertEquals(soonest,
        StandAside.decide("n1", List.of(own, best, soonest), best, null).orElseThrow().forWhom());
  }

  @Test
  void decide_whenEveryoneIsAsFarBehind_nobodyStandsAside() {
    Promise own = promise("n1", 9_000, 1_000);
    Promise other = promise("n2", 9_000, 1_000 + FAR / 2);

    assertTrue(StandAside.decide("n1", List.of(own, other), own, null).isEmpty());
  }

  @Test
  void decide_grantedAgainAtTheLogItStoodAsideAt_leads() {
    Promise own = promise("n3", 5_000 - FAR, 5_000 - FAR);
    Promise best = promise("n2", 5_000, 5_000);
    StandAside last = StandAside.decide("n3", List.of(own, best), best, null).orElseThrow();

    assertTrue(StandAside.decide("n3", List.of(own, best), best, last).isEmpty(),
        "nobody has led since: the member it stood aside for could not take over");
  }

  @Test
  void decide_grantedAgainAfterAnotherLed_standsAsideAgain() {
    Promise own = promise("n3", 5_000 - FAR, 5_000 - FAR);
    StandAside last = StandAside.decide("n3", List.of(own, promise("n2", 5_000, 5_000)),
        promise("n2", 5_000, 5_000), null).orElseThrow();
    Promise later = new Promise("n1", true, 12, 11, 5_400, 5_400); // n1 led epoch 11 since

    assertEquals(later,
        StandAside.decide("n3", List.of(own, later), later, last).orElseThrow().forWhom());
  }

  @Test
  void decide_withoutItsOwnPromise_isRefused() {
    Promise other = promise("n2", 9_000, 9_000);

    assertThrows(IllegalArgumentException.class,
        () -> StandAside.decide("n1", List.of(other), other, null));
  }
}
