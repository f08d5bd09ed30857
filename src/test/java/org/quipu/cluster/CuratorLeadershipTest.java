package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.replication.Leadership;

/** Leadership and epochs on a real ZooKeeper server, run in this JVM by Curator's test server. */
class CuratorLeadershipTest {

  private static final ClusterPaths PATHS = ClusterPaths.GROUP_0;

  private TestingServer zookeeper;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void startZooKeeper() throws Exception {
    zookeeper = new TestingServer(true);
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    zookeeper.close();
  }

  /** What a node's write path would be told, in order: "granted N" or "revoked". */
  private static final class Told implements Leadership.Listener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void onGranted(long epoch) {
      events.add("granted " + epoch);
    }

    @Override
    public void onRevoked() {
      events.add("revoked");
    }

    String next() throws InterruptedException {
      String event = events.poll(15, TimeUnit.SECONDS);
      assertNotNull(event, "nothing was told within 15 s");
      return event;
    }

    void nothingFor(long millis) throws InterruptedException {
      assertNull(events.poll(millis, TimeUnit.MILLISECONDS));
    }
  }

  private CuratorFramework client() {
    return CuratorFrameworkFactory.builder()
        .connectString(zookeeper.getConnectString())
        .sessionTimeoutMs(4_000)
        .connectionTimeoutMs(2_000)
        .retryPolicy(new ExponentialBackoffRetry(100, 5))
        .build();
  }

  private CuratorLeadership node(String id, long highestEpochInLog, Told told) {
    CuratorLeadership node = new CuratorLeadership(client(), PATHS, id,
        ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8), () -> highestEpochInLog);
    toClose.add(node);
    node.start(told);
    return node;
  }

  @Test
  void oneOfTwoNodesLeads_andWhenItStops_theOtherLeadsAHigherEpoch() throws Exception {
    Told toldA = new Told();
    Told toldB = new Told();
    CuratorLeadership a = node("a", 0, toldA);
    assertEquals("granted 1", toldA.next());
    CuratorLeadership b = node("b", 0, toldB);
    toldB.nothingFor(1_000); // b waits while a leads
    assertEquals(1, a.grantedEpoch());
    assertEquals(0, b.grantedEpoch());

    a.close();
    assertEquals("revoked", toldA.next());
    assertEquals("granted 2", toldB.next());
    assertEquals(2, b.grantedEpoch());
  }

  /** The ids in the latch's queue, head first, as Curator orders it. */
  private static List<String> latchQueue(CuratorFramework look) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String z : LockInternals.getSortedChildren(look, PATHS.leaderLatch(), "latch-",
        StandardLockInternalsDriver::standardFixForSorting)) {
      ids.add(new String(look.getData().forPath(PATHS.leaderLatch() + "/" + z),
          StandardCharsets.UTF_8));
    }
    return ids;
  }

  private static void awaitLatchQueue(CuratorFramework look, List<String> expected)
      throws Exception {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!latchQueue(look).equals(expected) && System.nanoTime() < giveUp) {
      Thread.sleep(20);
    }
    assertEquals(expected, latchQueue(look));
  }

  /**
   * A leader's process gone while its ZooKeeper session lives on (here: the session of a client
   * that stays connected, so it never expires): told of it, a member deletes the dead leader's
   * latch znode and is granted at once. Told of a member that is not at the head of the queue, or
   * of itself, it deletes nothing.
   */
  @Test
  void aLeaderGoneForCertain_handsTheLatchOver_withoutWaitingForItsSession() throws Exception {
    CuratorFramework sessions = client(); // a's and c's: neither ever expires in this test
    toClose.add(sessions);
    sessions.start();
    LeaderLatch aLatch = new LeaderLatch(sessions, PATHS.leaderLatch(), "a");
    aLatch.start();
    assertTrue(aLatch.await(15, TimeUnit.SECONDS));
    Told toldB = new Told();
    CuratorLeadership b = node("b", 0, toldB);
    awaitLatchQueue(sessions, List.of("a", "b"));
    new LeaderLatch(sessions, PATHS.leaderLatch(), "c").start();
    awaitLatchQueue(sessions, List.of("a", "b", "c"));

    b.leaderGone("c"); // behind b in the queue
    b.leaderGone("b"); // itself
    toldB.nothingFor(1_000);
    assertEquals(List.of("a", "b", "c"), latchQueue(sessions));

    b.leaderGone("a");
    assertEquals("granted 1", toldB.next());
    assertEquals(List.of("b", "c"), latchQueue(sessions));
  }

  /** A node that leads deletes nothing, even when told the member heading the queue is gone. */
  @Test
  void aLeader_ignoresBeingToldALeaderIsGone() throws Exception {
    Told toldA = new Told();
    Told toldB = new Told();
    CuratorLeadership a = node("a", 0, toldA);
    assertEquals("granted 1", toldA.next());
    CuratorLeadership b = node("b", 0, toldB);
    try (CuratorFramework look = client()) {
      look.start();
      awaitLatchQueue(look, List.of("a", "b"));
      // a's znode removed behind its back: b leads, and a (Curator's latch does not watch its own
      // znode) still believes it does.
      String aZnode = LockInternals.getSortedChildren(look, PATHS.leaderLatch(), "latch-",
          StandardLockInternalsDriver::standardFixForSorting).get(0);
      look.delete().forPath(PATHS.leaderLatch() + "/" + aZnode);
      assertEquals("granted 2", toldB.next());

      a.leaderGone("b"); // b heads the queue now; a still leads epoch 1 as far as it knows
      toldB.nothingFor(1_000);
      assertEquals(List.of("b"), latchQueue(look));
      assertEquals(2, b.grantedEpoch());
    }
  }

  @Test
  void membersAreEphemeralZnodesCarryingTheirAddresses() throws Exception {
    Told told = new Told();
    CuratorLeadership a = node("a", 0, told);
    assertEquals("granted 1", told.next());
    try (CuratorFramework look = client()) {
      look.start();
      assertArrayEquals("{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8),
          look.getData().forPath(PATHS.member("a")));
      assertTrue(look.checkExists().forPath(PATHS.member("a")).getEphemeralOwner() != 0);
      a.close();
      assertNull(look.checkExists().forPath(PATHS.member("a")), "gone with its node");
    }
  }

  @Test
  void losingZooKeeper_revokesAtOnce_andLeadershipComesBackInANewEpoch() throws Exception {
    Told told = new Told();
    node("a", 0, told);
    assertEquals("granted 1", told.next());

    long stopped = System.nanoTime();
    zookeeper.stop();
    assertEquals("revoked", told.next()); // SUSPENDED is enough: no waiting for the session to end
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
    assertTrue(tookMillis < 4_000, "revoked after " + tookMillis + " ms, not within the session");

    zookeeper.restart();
    assertEquals("granted 2", told.next());
  }

  @Test
  void anEnsembleOfThree_keepsALeaderWhenOneServerDies() throws Exception {
    try (TestingCluster ensemble = new TestingCluster(3)) {
      ensemble.start();
      Told told = new Told();
      CuratorLeadership a = new CuratorLeadership(CuratorFrameworkFactory.builder()
          .connectString(ensemble.getConnectString()).sessionTimeoutMs(4_000)
          .connectionTimeoutMs(2_000).retryPolicy(new ExponentialBackoffRetry(100, 5)).build(),
          PATHS, "a", new byte[0], () -> 0);
      toClose.add(a);
      a.start(told);
      assertEquals("granted 1", told.next());

      // Whichever server dies — the one a is connected to or another — a leads again soon, in
      // the same epoch or, if its connection was suspended, a higher one.
      ensemble.killServer(ensemble.getInstances().iterator().next());
      Thread.sleep(3_000); // long enough for a connection to the dead server to be suspended
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      long epoch = 1;
      while (a.grantedEpoch() == 0 || told.events.peek() != null) {
        String event = told.events.poll(100, TimeUnit.MILLISECONDS);
        if (event != null && event.startsWith("granted ")) {
          long granted = Long.parseLong(event.substring("granted ".length()));
          assertTrue(granted > epoch, "epochs only grow: " + granted + " after " + epoch);
          epoch = granted;
        }
        assertTrue(System.nanoTime() < deadline, "no leader within 20 s of losing one server");
      }
      assertEquals(epoch, a.grantedEpoch());
      a.close();
    }
  }

  @Test
  void aNodeThatCannotReadItsLog_contendsAgainAfterAPause_notInATightLoop() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Told told = new Told();
    CuratorLeadership a = new CuratorLeadership(client(), PATHS, "a", new byte[0], () -> {
      if (reads.incrementAndGet() <= 2) {
        throw new IllegalStateException("the log cannot be read");
      }
      return 0;
    });
    toClose.add(a);
    long started = System.nanoTime();
    a.start(told);
    assertEquals("granted 1", told.next()); // the failed reads took no epoch
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(3, reads.get());
    assertTrue(tookMillis >= 1_800, "two failures, a pause after each: " + tookMillis + " ms");
  }

  @Test
  void aNewEpochIsAboveEveryEpochInTheNodesLog_evenIfZooKeeperLostItsCounter() throws Exception {
    Told told = new Told();
    CuratorLeadership a = node("a", 41, told); // its log already holds entries of epoch 41
    assertEquals("granted 42", told.next());
    try (CuratorFramework look = client()) {
      look.start();
      assertEquals(42, EpochCounter.current(look, PATHS.epoch()));
    }
    a.close();
  }

  @Test
  void takersRacingOnTheCounter_neverGetTheSameEpoch() throws Exception {
    int takers = 4;
    int takesEach = 50;
    ExecutorService pool = Executors.newFixedThreadPool(takers);
    try {
      List<Callable<List<Long>>> tasks = new ArrayList<>();
      for (int t = 0; t < takers; t++) {
        tasks.add(() -> {
          try (CuratorFramework c = client()) {
            c.start();
            List<Long> taken = new ArrayList<>();
            for (int i = 0; i < takesEach; i++) {
              taken.add(EpochCounter.next(c, PATHS.epoch(), 0, () -> true));
            }
            return taken;
          }
        });
      }
      Set<Long> all = new HashSet<>();
      for (Future<List<Long>> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
        all.addAll(f.get());
      }
      assertEquals(takers * takesEach, all.size(), "every epoch taken once");
      assertEquals(Set.copyOf(java.util.stream.LongStream.rangeClosed(1, takers * takesEach)
          .boxed().toList()), all);
    } finally {
      pool.shutdownNow();
    }
  }
}
