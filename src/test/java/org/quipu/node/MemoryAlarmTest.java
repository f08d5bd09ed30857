package org.quipu.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryAlarmTest {

  private static final long MAX = 1_000;

  @Test
  void raisedAboveTheHighWatermark_clearedOnlyBelowTheLowerMark() {
    MemoryAlarm alarm = new MemoryAlarm(0.8);

    alarm.update(800, MAX, true);
    assertFalse(alarm.raised(), "at the watermark is not above it");
    alarm.update(810, MAX, true);
    assertTrue(alarm.raised());
    alarm.update(760, MAX, false);
    assertTrue(alarm.raised(), "between the marks the alarm stays as it was");
    alarm.update(740, MAX, false);
    assertFalse(alarm.raised());
    alarm.update(790, MAX, true);
    assertFalse(alarm.raised(), "between the marks the alarm stays as it was");
    assertEquals(0.79, alarm.usedAfterGc(), 1e-9);
  }

  @Test
  void aYoungReadingAboveTheWatermark_asksForAFullCollection_andOnlyThatOneRaisesTheAlarm() {
    MemoryAlarm alarm = new MemoryAlarm(0.8);
    AtomicInteger asked = new AtomicInteger();
    alarm.onConfirm(asked::incrementAndGet);

    alarm.update(850, MAX, false); // old garbage not collected yet, perhaps
    assertFalse(alarm.raised());
    assertEquals(1, asked.get());
    alarm.update(860, MAX, false);
    assertEquals(1, asked.get(), "at most one full collection per confirmation period");
    alarm.update(650, MAX, true); // the full collection: it was garbage
    assertFalse(alarm.raised());

    MemoryAlarm full = new MemoryAlarm(0.8);
    full.onConfirm(() -> full.update(830, MAX, true)); // live data after all
    full.update(850, MAX, false);
    assertTrue(full.raised());
  }

  @Test
  void aYoungReadingCloseToAFullHeap_raisesTheAlarmAtOnce() {
    MemoryAlarm alarm = new MemoryAlarm(0.8);
    alarm.onConfirm(() -> { });
    alarm.update(910, MAX, false); // above 0.9, halfway from the watermark to a full heap
    assertTrue(alarm.raised());
  }

  @Test
  void aHeapWithoutAMaximum_neverRaisesTheAlarm() {
    MemoryAlarm alarm = new MemoryAlarm(0.5);
    alarm.update(10_000, -1, true);
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
