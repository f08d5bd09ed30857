package org.quipu.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeadLeaderTest {

  private static final long SILENCE = 150;

  @Test
  void of_aLeaderThatRefusesAndIsSilent_isDead() {
    assertEquals(Optional.of("n1"), DeadLeader.of(false, "n1", Set.of("n1"), 151, SILENCE));
  }

  @Test
  void of_aLeaderThatRefusesButWasHeardLately_isAlive() {
    assertEquals(Optional.empty(), DeadLeader.of(false, "n1", Set.of("n1"), 150, SILENCE));
  }

  @Test
  void of_aSilentLeaderThatAcceptsConnections_isLeftToItsSession() {
    assertEquals(Optional.empty(), DeadLeader.of(false, "n1", Set.of("n3"), 10_000, SILENCE));
  }

  @Test
  void of_aNodeThatLeadsOrKnowsNoLeader_reportsNone() {
    assertEquals(Optional.empty(), DeadLeader.of(true, "n1", Set.of("n1"), 10_000, SILENCE));
    assertEquals(Optional.empty(), DeadLeader.of(false, null, Set.of("n1"), 10_000, SILENCE));
  }
}
