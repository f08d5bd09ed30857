package org.quipu.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A node alone: its fixed epoch, given back on a doubt, is taken again a second later. */
class FixedLeadershipTest {

  private final List<String> told = new CopyOnWriteArrayList<>();
  private final Leadership.Listener listener = new Leadership.Listener() {
    @Override
    public void onGranted(long epoch) {
      told.add("granted " + epoch);
    }

    @Override
    public void onRevoked() {
      told.add("revoked");
    }
  };

  @Test
  void givenBack_isRevokedAtOnce_andRetakenASecondLater_once() {
    Leadership leadership = Leadership.fixed(3);
    leadership.start(listener);
    assertEquals(List.of("granted 3"), told);

    long start = System.nanoTime();
    leadership.relinquish("the log was unreadable");
    leadership.relinquish("again, before the retake: nothing more to give back");
    assertEquals(List.of("granted 3", "revoked"), told);

    await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 3);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(List.of("granted 3", "revoked", "granted 3"), told);
    assertTrue(tookMillis >= FixedLeadership.RETAKE_AFTER_MILLIS - 50,
        "retaken after " + tookMillis + " ms");
  }
}
