package org.quipu.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemoryAlarmTest {

  private static final long MAX = 1_000;

  @Test
  void raisedAboveTheHighWatermark_clearedOnlyBelowTheLowerMark() {
    MemoryAlarm alarm = new MemoryAlarm(0.8);

    alarm.update(800, MAX);
    assertFalse(alarm.raised(), "at the watermark is not above it");
    alarm.update(810, MAX);
    assertTrue(alarm.raised());
    alarm.update(760, MAX);
    assertTrue(alarm.raised(), "between the marks the alarm stays as it was");
    alarm.update(740, MAX);
    assertFalse(alarm.raised());
    alarm.update(790, MAX);
    assertFalse(alarm.raised(), "between the marks the alarm stays as it was");
    assertEquals(0.79, alarm.usedAfterGc(), 1e-9);
  }

  @Test
  void aHeapWithoutAMaximum_neverRaisesTheAlarm() {
    MemoryAlarm alarm = new MemoryAlarm(0.5);
    alarm.update(10_000, -1);
    assertFalse(alarm.raised());
  }

  @Test
  void theWatermark_isAShareOfTheHeap() {
    for (double wrong : new double[] {0, -0.1, 1.01, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> new MemoryAlarm(wrong));
    }
  }

  @Test
  void watchingThisJvm_readsTheHeapAfterEachCollection() {
    try (MemoryAlarm alarm = new MemoryAlarm(1.0).watchThisJvm()) {
      System.gc(); // the JVM reports it to the alarm on its notification thread
      await().atMost(Duration.ofSeconds(10)).until(() -> alarm.usedAfterGc() > 0);
      assertTrue(alarm.usedAfterGc() < 1, "share " + alarm.usedAfterGc());
      assertFalse(alarm.raised());
    }
  }
}
