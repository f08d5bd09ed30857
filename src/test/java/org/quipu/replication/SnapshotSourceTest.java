package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's snapshots: written in the background, and not again at once after a failure. */
class SnapshotSourceTest {

  private static final Duration AFTER_A_FAILURE = Duration.ofSeconds(1);

  @TempDir
  Path dir;

  private final ExecutorService writer = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopWriter() {
    writer.shutdownNow();
  }

  @Test
  void aFailedWrite_isNotTriedAgainUntilThePauseHasPassed_howeverOftenFollowersAsk()
      throws Exception {
    InMemoryStateStore store = new InMemoryStateStore();
    store.failSnapshotWrites = true;
    SnapshotSource source = new SnapshotSource(store, dir, () -> 0L, writer, AFTER_A_FAILURE);
    Semaphore answered = new Semaphore(0);

    assertNull(source.atLeast(0, answered::release));
    assertTrue(answered.tryAcquire(5, TimeUnit.SECONDS), "the first write never ended");
    assertEquals(1, store.snapshotWritesBegun.get());

    // A waiting follower asks again every heartbeat (as a Replicator does after its retry pause).
    store.failSnapshotWrites = false; // the disk has room again: only the pause holds it back
    long askedUntil = System.nanoTime() + AFTER_A_FAILURE.toNanos() / 2;
    while (System.nanoTime() < askedUntil) {
      assertNull(source.atLeast(0, answered::release));
      Thread.sleep(10);
    }
    assertEquals(1, store.snapshotWritesBegun.get(), "written again within the pause");

    // Once the pause has passed the write is tried again, and this time it succeeds.
    assertTrue(answered.tryAcquire(5, TimeUnit.SECONDS), "not tried again after the pause");
    assertEquals(2, store.snapshotWritesBegun.get());
    assertNotNull(source.atLeast(0, answered::release));
  }

  @Test
  void aWriteAfterASuccessfulOne_startsAtOnce() throws Exception {
    InMemoryStateStore store = new InMemoryStateStore();
    SnapshotSource source =
        new SnapshotSource(store, dir, () -> 0L, writer, Duration.ofMinutes(10));
    Semaphore answered = new Semaphore(0);

    assertNull(source.atLeast(0, answered::release));
    assertTrue(answered.tryAcquire(5, TimeUnit.SECONDS));
    SnapshotSource.Written first = source.atLeast(0, answered::release);
    assertNotNull(first);

    // A later base needs a newer snapshot: written straight away, no pause after a success.
    assertNull(source.atLeast(first.id().at().seq() + 1, answered::release));
    assertTrue(answered.tryAcquire(5, TimeUnit.SECONDS), "a pause after a successful write");
    assertEquals(2, store.snapshotWritesBegun.get());
  }
}
