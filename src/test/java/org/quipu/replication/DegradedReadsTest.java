package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DegradedReadsTest {

  private static final boolean LEASED = true;
  private static final boolean UNLEASED = false;

  private final DegradedReads reads = new DegradedReads();

  @Test
  void observe_leasedWithNoMajority_armsButServesNormallyNotDegraded() {
    reads.observe(LEASED, 1, 3);
    assertFalse(reads.degraded(), "a leased node serves normally, not degraded");
  }

  @Test
  void observe_leaseGoneAfterArming_servesDegraded() {
    reads.observe(LEASED, 1, 3);
    reads.observe(UNLEASED, 1, 3);
    assertTrue(reads.degraded());
    reads.observe(UNLEASED, 1, 3);
    assertTrue(reads.degraded(), "it stays degraded while no majority listens");
  }

  @Test
  void observe_leasedWithAMajorityReachable_neverArms() {
    reads.observe(LEASED, 2, 3);
    reads.observe(UNLEASED, 1, 3);
    assertFalse(reads.degraded(), "the lease went while a majority could still commit");
  }

  @Test
  void observe_aMajorityReachableOnce_disarmsUntilALeaseIsHeldAgain() {
    reads.observe(LEASED, 1, 3);
    reads.observe(UNLEASED, 1, 3);
    assertTrue(reads.degraded());

    reads.observe(UNLEASED, 2, 3); // a peer listens again: it may take part in a commit
    assertFalse(reads.degraded());
    reads.observe(UNLEASED, 1, 3); // and goes again, while this node holds no lease
    assertFalse(reads.degraded(), "what committed meanwhile may be missing here");
    reads.observe(UNLEASED, 1, 3);
    assertFalse(reads.degraded());

    reads.observe(LEASED, 1, 3); // leased again, then alone again
    reads.observe(UNLEASED, 1, 3);
    assertTrue(reads.degraded());
  }

  @Test
  void observe_partitionedPeersTimingOut_neverArm() {
    // Peers that time out count as not refusing: they may be alive beyond a cut.
    reads.observe(LEASED, 3, 3);
    reads.observe(UNLEASED, 3, 3);
    reads.observe(UNLEASED, 3, 3);
    assertFalse(reads.degraded());
  }

  @Test
  void observe_groupOfOne_neverDegraded() {
    reads.observe(LEASED, 1, 1);
    reads.observe(UNLEASED, 1, 1);
    assertFalse(reads.degraded(), "a node alone is its own majority: no lease, no reads");
  }

  @Test
  void observe_fiveMembersThreeRefusingTwoNot_arms() {
    reads.observe(LEASED, 2, 5);
    reads.observe(UNLEASED, 2, 5);
    assertTrue(reads.degraded());
  }

  @Test
  void observe_fiveMembersThreeNotRefusing_neverArms() {
    reads.observe(LEASED, 3, 5);
    reads.observe(UNLEASED, 3, 5);
    assertFalse(reads.degraded());
  }

  @Test
  void observe_leasedAgain_servesNormallyNotDegraded() {
    reads.observe(LEASED, 1, 3);
    reads.observe(UNLEASED, 1, 3);
    reads.observe(LEASED, 1, 3);
    assertFalse(reads.degraded());
  }

  @Test
  void observe_countOutsideTheGroup_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> reads.observe(LEASED, 0, 3));
    assertThrows(IllegalArgumentException.class, () -> reads.observe(LEASED, 4, 3));
  }
}
