package org.quipu.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.StartEpoch;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.Role;
import org.quipu.replication.SimulatedCluster.SimNode;

/**
 * The scenario suite of DESIGN.md ("The write path, stage by stage": tested twice): three real
 * write paths, a network that partitions (and, where it can, drops, delays and reorders from a
 * seed), crashes that keep only what is durable. Every scenario ends with the invariants: no
 * acknowledged write lost, every running node on the same log and state. A subclass names the
 * network: {@link SimulatedReplicationScenariosTest}, {@link GrpcReplicationScenariosTest}.
 */
abstract class ReplicationScenariosTest {

  private SimulatedCluster cluster;

  /** As {@link SimulatedCluster#FAST}, but a leader cut off steps down only after 10 s. */
  private static final ReplicationSettings PATIENT = new ReplicationSettings(Duration.ofMillis(20),
      Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(30), 50,
      Duration.ofMillis(400), SimulatedCluster.APPENDS_IN_FLIGHT);


  /**
   * False when a call a member holds up (a snapshot slow to install) holds up the network's other
   * calls too; scenarios that hold one up then do not run on it.
   */
  boolean membersAnswerWhileOneCallBlocks() {
    return true;
  }

  /** True when {@link ScenarioNetwork#lossy} delays messages on this network. */
  boolean delaysMessages() {
    return false;
  }

  /** The network the scenarios run on, for a group of {@code members}. */
  abstract ScenarioNetwork network(Set<String> members, long seed);

  private SimulatedCluster startCluster(long seed) {
    return new SimulatedCluster(3, seed, this::network);
  }

  /** Starts {@link #cluster}, elects n1 and gives alice her queue through it; returns n1. */
  private SimNode startLedByN1WithAlicesQueue(long seed) throws Exception {
    cluster = startCluster(seed);
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);
    aliceWithQueue(leader);
    return leader;
  }

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SendMessages send(String id) {
    return new SendMessages("q", "alice",
        List.of(new SendMessages.NewMessage(id, "body " + id, Map.of(), 0)));
  }

  private static void aliceWithQueue(SimNode leader) throws Exception {
    leader.submit(new RegisterUser("alice", "h", Role.USER)).get(5, TimeUnit.SECONDS);
    leader.submit(new CreateQueue("q", "alice",
        new QueueAttributes(30_000, null, null, 345_600_000, null, true))).get(5, TimeUnit.SECONDS);
  }

  private static boolean holds(SimNode node, String id) {
    return node.state.read(b -> b.queueNames().contains("q")
        && b.message("q", "alice", id).isPresent());
  }

  private static NotCommittedException assertNotAcknowledged(CompletableFuture<Committed> write) {
    var e = assertThrows(ExecutionException.class, () -> write.get(5, TimeUnit.SECONDS));
    return assertInstanceOf(NotCommittedException.class, e.getCause());
  }

  private void assertSameLogs() {
    List<SimNode> up = cluster.running();
    List<LogEntry> first = up.get(0).log.entries;
    for (SimNode n : up) {
      synchronized (n.log) {
        assertEquals(first.size(), n.log.entries.size(), n.id + "'s log length");
        for (int i = 0; i < first.size(); i++) {
          assertEquals(first.get(i).epoch(), n.log.entries.get(i).epoch(), n.id + " at " + i);
        }
      }
    }
  }

  @Test
  void aWrite_isAnsweredOnceAMajorityHoldsIt_andEveryNodeAppliesTheSameLog() throws Exception {
    SimNode leader = startLedByN1WithAlicesQueue(1);
    List<CompletableFuture<Committed>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      writes.add(leader.submit(send("m" + i)));
    }
    for (var w : writes) {
      w.get(10, TimeUnit.SECONDS);
    }

    cluster.awaitConverged();
    assertSameLogs();
    for (SimNode n : cluster.running()) {
      assertTrue(holds(n, "m299"), n.id);
      assertInstanceOf(StartEpoch.class, n.log.entries.get(0).command());
    }
    // Group commit across the network: far fewer appends than writes went to the followers.
    long appends = cluster.network.delivered();
    assertTrue(appends < 300, "one append per write would be " + appends + " calls");
  }

  @Test
  void aFollowerSlowToAnswer_isSentNewEntriesBeforeItAnswers_withoutALease_andEndsWithTheSameLog()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(delaysMessages());
    SimNode leader = startLedByN1WithAlicesQueue(21);
    SimNode follower = cluster.node("n2");
    // An append whose prevSeq the follower's log does not reach yet was sent before the follower
    // had taken (and so answered) the one carrying that seq: pipelined. One append at a time
    // never does that on a network that delays but drops nothing.
    // Such an append never grants a read lease: it may wait on the member behind the ones ahead
    // of it, and its lease would start later than the leader counts.
    AtomicInteger pipelined = new AtomicInteger();
    AtomicInteger pipelinedWithLease = new AtomicInteger();
    cluster.network.block((from, to, request) -> {
      if (to.equals("n2") && request instanceof Append a && !a.entries().isEmpty()) {
        synchronized (follower.log) {
          List<LogEntry> held = follower.log.entries;
          if (held.isEmpty() || held.get(held.size() - 1).seq() < a.prevSeq()) {
            pipelined.incrementAndGet();
            if (a.leaseMillis() > 0) {
              pipelinedWithLease.incrementAndGet();
            }
          }
        }
      }
      return false;
    });
    cluster.network.lossy(0, 20);

    List<CompletableFuture<Committed>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      writes.add(leader.submit(send("p" + i)));
      Thread.sleep(1);
    }
    for (var w : writes) {
      w.get(10, TimeUnit.SECONDS);
    }

    cluster.awaitConverged();
    assertSameLogs();
    assertTrue(holds(follower, "p99"));
    assertTrue(pipelined.get() > 0, "no append went to n2 before it answered the one before");
    assertEquals(0, pipelinedWithLease.get(), "pipelined appends that granted a lease");
  }

  @Test
  void aWriteReachingAFollower_isForwardedToTheLeader_andAnsweredOnceTheFollowerAppliedIt()
      throws Exception {
    SimNode leader = startLedByN1WithAlicesQueue(8);
    SimNode follower = cluster.node("n3");
    await().atMost(5, TimeUnit.SECONDS).until(() -> "n1".equals(follower.writes.replica().leaderId()));

    Committed forwarded = follower.submit(send("via-follower")).get(5, TimeUnit.SECONDS);

    assertInstanceOf(org.quipu.core.state.Outcome.MessagesSent.class, forwarded.outcome());
    assertTrue(holds(follower, "via-follower"), "a read on the follower right after sees it");
    assertTrue(holds(leader, "via-follower"));
    assertEquals(forwarded.seq(), leader.log.entries.stream()
        .filter(e -> e.command() instanceof SendMessages).mapToLong(LogEntry::seq).max().orElse(0));
  }

  @Test
  void aForwardedWritesAnswer_runsOnTheFollowersAnswerPool() throws Exception {
    SimNode leader = startLedByN1WithAlicesQueue(8);
    SimNode follower = cluster.node("n3");
    await().atMost(5, TimeUnit.SECONDS).until(() -> "n1".equals(follower.writes.replica().leaderId()));

    // Chained before the answer can come: it runs on whichever thread completes the answer —
    // the follower's applier when the forward's reply came first, the transport's when it came
    // second. The applier is one thread for every write: answering HTTP requests there held up
    // applying (and the reads waiting for it); the transport's threads must not block either.
    String answeredOn = follower.submit(send("where-answered"))
        .thenApply(committed -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);

    assertTrue(answeredOn.startsWith("sim-answer-n3"), "answered on " + answeredOn);
  }

  private static boolean tokenWorks(SimNode node, String tokenHash) {
    return node.state.read(b -> b.sessionByTokenHash(tokenHash).isPresent());
  }

  @Test
  void aFollowerServesReadsUnderALease_andLosesItSoonAfterItIsCutOff() throws Exception {
    cluster = startCluster(9);
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);
    SimNode follower = cluster.node("n2");
    await().atMost(5, TimeUnit.SECONDS).until(follower.writes::servesReads);

    cluster.network.isolate("n2", cluster.ids());

    long cut = System.nanoTime();
    await().atMost(5, TimeUnit.SECONDS).until(() -> !follower.writes.servesReads());
    long heldMillis = (System.nanoTime() - cut) / 1_000_000;
    assertTrue(heldMillis <= SimulatedCluster.FAST.lease().toMillis() + 100,
        "held its lease " + heldMillis + " ms after the last append");
    assertTrue(leader.writes.servesReads(), "the leader, with n3, still serves");
  }

  @Test
  void aFollowerFarBehindInApplying_getsNoReadLease_untilItHasCaughtUp() throws Exception {
    SimNode leader = startLedByN1WithAlicesQueue(11);
    SimNode slow = cluster.node("n3");
    await().atMost(5, TimeUnit.SECONDS).until(slow.writes::servesReads);

    // n3 keeps answering appends (its log is durable) but applies nothing: a restarted node
    // replaying, in effect. Once it is a catch-up's worth behind, the leader stops its lease.
    slow.store.holdApplies = new java.util.concurrent.CountDownLatch(1);
    List<CompletableFuture<Committed>> sends = new ArrayList<>();
    for (int i = 0; i < WritePath.CATCHING_UP_ENTRIES + 200; i++) {
      sends.add(leader.submit(send("m" + i)));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    await("n3 to lose its read lease").atMost(5, TimeUnit.SECONDS)
        .until(() -> !slow.writes.servesReads());
    assertTrue(cluster.node("n2").writes.servesReads(), "n2, caught up, keeps its lease");

    slow.store.holdApplies.countDown();
    slow.store.holdApplies = null;
    await("n3 to serve again once caught up").atMost(10, TimeUnit.SECONDS)
        .until(slow.writes::servesReads);
  }

  @Test
  void aLogout_isAnsweredOnlyOnceEveryFollowerShowsIt_orCanNoLongerServe() throws Exception {
    SimNode leader = startLedByN1WithAlicesQueue(10);
    leader.submit(new OpenSession("s1", "hash-1", "alice", Long.MAX_VALUE)).get(5, TimeUnit.SECONDS);
    leader.submit(new OpenSession("s2", "hash-2", "alice", Long.MAX_VALUE)).get(5, TimeUnit.SECONDS);
    for (SimNode n : cluster.running()) {
      assertTrue(tokenWorks(n, "hash-1"), "a new login's token works on " + n.id + " at once");
    }

    leader.submit(new CloseSession("s1")).get(5, TimeUnit.SECONDS);

    for (SimNode n : cluster.running()) {
      assertFalse(tokenWorks(n, "hash-1"), "a revoked token still works on " + n.id);
    }

    // A follower cut off cannot apply the logout: it is answered once that follower's lease ran out.
    SimNode cutOff = cluster.node("n3");
    cluster.network.isolate("n3", cluster.ids());
    long start = System.nanoTime();
    leader.submit(new CloseSession("s2")).get(5, TimeUnit.SECONDS);
    assertTrue(tokenWorks(cutOff, "hash-2"), "n3 never applied it");
    assertFalse(cutOff.writes.servesReads(), "answered while n3 could still accept the token");
    assertTrue((System.nanoTime() - start) / 1_000_000 >= 100, "answered without waiting");
  }

  @Test
  void aNewLeader_takesTheFirstMajorityOfPromises_withoutWaitingForASilentMember()
      throws Exception {
    // Long deadlines: waiting for the silent member's answer would take 5 s.
    ReplicationSettings patient = new ReplicationSettings(Duration.ofMillis(20),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(30), 50,
        Duration.ofMillis(400), SimulatedCluster.APPENDS_IN_FLIGHT);
    cluster = new SimulatedCluster(3, 13, this::network, patient);
    cluster.network.isolate("n3", cluster.ids()); // paused: it never answers

    long start = System.nanoTime();
    cluster.electAndWait(cluster.node("n1"));

    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMillis < 2_000, "serving took " + tookMillis + " ms");
  }

  /**
   * Becoming leader, step 5: a node serves only once its epoch-start entry is durable on a
   * majority. Here a majority promises (n1 and n2; n3 is down) but the start entry never reaches
   * n2: n1 must not report serving nor take a write. Breaks if a new leader serves as soon as it has
   * appended its start entry.
   */
  @Test
  void aNewLeaderWhoseStartEntryReachesNoMajority_doesNotServe() throws Exception {
    cluster = new SimulatedCluster(3, 21, this::network, PATIENT);
    SimNode leader = cluster.node("n1");
    cluster.node("n3").crash();
    AtomicInteger lost = new AtomicInteger();
    cluster.network.block((from, to, request) -> request instanceof Append a
        && a.entries().stream().anyMatch(e -> e.command() instanceof StartEpoch)
        && lost.incrementAndGet() > 0);

    cluster.elect(leader);
    await().atMost(5, TimeUnit.SECONDS).until(() -> lost.get() >= 3);

    assertFalse(leader.serving(), "served before its start entry was on a majority");
    assertNotAcknowledged(leader.submit(new RegisterUser("alice", "h", Role.USER)));
    assertEquals(0, leader.appliedSeq());
    cluster.network.block((from, to, request) -> false);
    await().atMost(5, TimeUnit.SECONDS).until(leader::serving);
    assertEquals(1, leader.appliedSeq(), "its start entry, committed once n2 has it");
  }

  /**
   * The leader's commit point counts copies only of entries of its own epoch (as in Raft); older
   * ones are committed through its start entry. n1 comes back with sixty entries of epoch 1 that
   * only it holds; elected in epoch 2 it sends them to n2 fifty at a time, and the append carrying
   * the rest and its start entry never arrives. Seqs 2..51 are then on a majority (n1, n2) but of
   * an older epoch: the leader must not count them as committed, nor tell a follower so. Breaks
   * if the leader commits by counting from any seq (QuorumTracker's firstSeqOfEpoch ignored, or the
   * term passing 1 for it).
   */
  @Test
  void olderEntriesOnAMajority_areNotCommittedByCounting_untilTheStartEntryIs() throws Exception {
    cluster = new SimulatedCluster(3, 22, this::network);
    SimNode leader = cluster.node("n1");
    SimNode follower = cluster.node("n2");
    cluster.electAndWait(leader); // epoch 1, its start entry at seq 1 on every node
    await().atMost(5, TimeUnit.SECONDS).until(() -> follower.appliedSeq() == 1);
    leader.crash();
    cluster.node("n3").crash();
    List<LogEntry> older = new ArrayList<>();
    for (long seq = 2; seq <= 61; seq++) {
      older.add(new LogEntry(seq, 1, 2_000_000, new StartEpoch()));
    }
    leader.log.append(older); // appended in epoch 1, never replicated
    leader.start();
    AtomicInteger lost = new AtomicInteger();
    AtomicLong announced = new AtomicLong(); // the highest commit point n1 tells in epoch 2
    cluster.network.block((from, to, request) -> {
      if (!(request instanceof Append a) || a.epoch() < 2) {
        return false;
      }
      announced.accumulateAndGet(a.commitSeq(), Math::max);
      return a.entries().stream().anyMatch(e -> e.epoch() >= 2) && lost.incrementAndGet() > 0;
    });

    cluster.elect(leader); // epoch 2: promises from n1 and n2, n1's log is the most advanced
    // Two lost appends: the second is sent after n2's acknowledgement of 2..51 was counted.
    await().atMost(5, TimeUnit.SECONDS).until(() -> lost.get() >= 2);

    assertEquals(51, follower.log.entries.size(), "n2 holds seqs 1..51 durably");
    assertEquals(1, announced.get(),
        "entries of epoch 1 were committed by counting their copies in epoch 2");
    assertEquals(1, leader.writes.replica().committedSeq());
    assertEquals(1, follower.writes.replica().committedSeq());
    cluster.network.block((from, to, request) -> false);
    cluster.node("n3").start();
    cluster.electAndWait(leader);
    cluster.awaitConverged();
    assertSameLogs();
    assertEquals(63, leader.appliedSeq(), "the 61 entries of epoch 1 and the starts of 2 and 3");
  }

  /**
   * Stepping down: a leader whose appends are answered STALE_EPOCH steps down at once, not when
   * its contact timeout (10 s here) runs out. n2 is elected in epoch 2 with n3's promise; nothing
   * from n2 reaches n1, so n1 learns of epoch 2 only from the answers to its own heartbeats. Breaks
   * if the replicator stops on STALE_EPOCH without deposing the term.
   */
  @Test
  void aLeaderAnsweredStaleEpoch_stepsDownAtOnce() throws Exception {
    cluster = new SimulatedCluster(3, 23, this::network, PATIENT);
    SimNode first = cluster.node("n1");
    cluster.electAndWait(first);
    aliceWithQueue(first);
    cluster.network.block((from, to, request) -> from.equals("n2") && to.equals("n1"));

    cluster.electAndWait(cluster.node("n2"));

    await().atMost(3, TimeUnit.SECONDS).until(() -> !first.serving());
    assertEquals(1, first.writes.replica().promisedEpoch(), "it heard of epoch 2 only in answers");
    assertTrue(first.leadership.relinquished.get() >= 1, "it gave its leadership back");
    NotCommittedException refused = assertNotAcknowledged(first.submit(send("late")));
    assertFalse(refused.getMessage().contains("may still be committed"),
        "refused before its log took it: " + refused.getMessage());
  }

  /**
   * Stepping down: a leader that promises a later epoch (a NewEpoch reached it) stops at once,
   * without waiting to be refused or for its contact timeout (10 s here). Nothing n1 sends arrives,
   * so no STALE_EPOCH answer tells it. Breaks if the proposer ignores its own log's promise.
   */
  @Test
  void aLeaderThatPromisesALaterEpoch_stepsDownAtOnce() throws Exception {
    cluster = new SimulatedCluster(3, 24, this::network, PATIENT);
    SimNode first = cluster.node("n1");
    cluster.electAndWait(first);
    aliceWithQueue(first);
    cluster.network.block((from, to, request) -> from.equals("n1"));

    cluster.electAndWait(cluster.node("n2"));

    await().atMost(3, TimeUnit.SECONDS).until(() -> !first.serving());
    assertEquals(2, first.writes.replica().promisedEpoch());
    assertTrue(first.leadership.relinquished.get() >= 1, "it gave its leadership back");
  }

  @Test
  void aLeaderCutOffFromTheMajority_commitsNothing_andStepsDown() throws Exception {
    SimNode leader = startLedByN1WithAlicesQueue(2);
    cluster.network.isolate("n1", cluster.ids());

    CompletableFuture<Committed> write = leader.submit(send("lonely"));

    Thread.sleep(300);
    assertFalse(write.isDone() && !write.isCompletedExceptionally(),
        "answered without a majority");
    assertFalse(holds(leader, "lonely"), "applied before it was committed");
    await().atMost(5, TimeUnit.SECONDS).until(() -> !leader.serving());
    // It stops serving first and gives its leadership back after (Proposer.stepDown).
    await("it gave its leadership back").atMost(5, TimeUnit.SECONDS)
        .until(() -> leader.leadership.relinquished.get() >= 1);
    NotCommittedException unknown = assertNotAcknowledged(write);
    assertTrue(unknown.getMessage().contains("may still be committed by the next leader"),
        "it is in the deposed leader's log: " + unknown.getMessage());
    assertFalse(holds(cluster.node("n2"), "lonely"));
  }

  @Test
  void aFollowerThatWasDown_catchesUpFromTheLeadersLog() throws Exception {
    SimNode leader = startLedByN1WithAlicesQueue(3);
    SimNode late = cluster.node("n3");
    late.crash();
    for (int i = 0; i < 100; i++) {
      leader.submit(send("m" + i)).get(5, TimeUnit.SECONDS); // n1 and n2 are a majority
    }

    late.start();

    cluster.awaitConverged();
    assertTrue(holds(late, "m99"));
    assertSameLogs();
  }

  /**
   * Crashes {@code late}, has {@code leader} commit {@code writes} sends (on the two others) and
   * waits until the leader's log is compacted past {@code late}'s end: it will need a snapshot.
   */
  private void leaveBehindACompactedLog(SimNode leader, SimNode late, int writes)
      throws Exception {
    late.crash();
    for (int i = 0; i < writes; i++) {
      leader.submit(send("m" + i)).get(5, TimeUnit.SECONDS); // the two others are a majority
    }
    // Once the pin late held while it was up has lapsed (SnapshotSource.PIN_IDLE).
    await().atMost(20, TimeUnit.SECONDS)
        .until(() -> leader.writes.replica().base().seq() > late.log.lastSeq() + 1);
  }

  @Test
  void aFollowerWhoseNextEntryWasCompacted_installsTheLeadersSnapshot_thenFollowsItsLog()
      throws Exception {
    cluster = new SimulatedCluster(3, 11, this::network, SimulatedCluster.FAST, 20);
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);
    aliceWithQueue(leader);
    leader.store.snapshotPadding = 2_500_000; // three chunks of 1 MiB
    List<SnapshotChunk> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean lostOne = new java.util.concurrent.atomic
        .AtomicBoolean();
    cluster.network.block((from, to, request) -> {
      if (!(request instanceof SnapshotChunk c)) {
        return false;
      }
      // The second chunk with data is lost once: the transfer goes on from where it stopped.
      if (c.length() > 0 && c.offset() > 0 && lostOne.compareAndSet(false, true)) {
        return true;
      }
      chunks.add(c);
      return false;
    });
    SimNode late = cluster.node("n3");
    leaveBehindACompactedLog(leader, late, 150);

    late.start();
    cluster.awaitConverged();

    assertTrue(holds(late, "m149"));
    assertEquals(1, late.store.installed.get(), "one snapshot installed");
    // The log restarts just after the tables take the snapshot (ReplicaLog.install, under its
    // lock): the digests can agree a moment before.
    await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
        assertTrue(late.log.base().seq() > 0, "its log restarted after the snapshot"));
    assertTrue(lostOne.get());
    // A lost chunk is sent again (so is one whose answer was late), never the snapshot from its
    // start: each snapshot's chunks go forward. (One chosen while n3 was down may be given up for
    // a later one, if the log was compacted past it meanwhile.)
    Map<SnapshotId, List<Long>> offsets = new java.util.LinkedHashMap<>();
    chunks.stream().filter(c -> c.length() > 0).forEach(c ->
        offsets.computeIfAbsent(c.snapshot(), k -> new ArrayList<>()).add(c.offset()));
    for (List<Long> sent : offsets.values()) {
      assertEquals(sent.stream().sorted().toList(), sent, "chunks went back: " + sent);
    }
    // Then the log: a write after the snapshot reaches it as an append.
    leader.submit(send("after")).get(5, TimeUnit.SECONDS);
    cluster.awaitConverged();
    assertTrue(holds(late, "after"));
    assertEquals(1, late.store.installed.get());
  }

  @Test
  void writesWhileAFollowerInstallsASnapshot_doNotCompactTheLogPastIt_soOneSnapshotSuffices()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(membersAnswerWhileOneCallBlocks());
    cluster = new SimulatedCluster(3, 13, this::network, SimulatedCluster.FAST, 20);
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);
    aliceWithQueue(leader);
    SimNode late = cluster.node("n3");
    leaveBehindACompactedLog(leader, late, 100);
    java.util.concurrent.CountDownLatch installing = new java.util.concurrent.CountDownLatch(1);
    late.store.holdInstalls = installing; // half a gigabyte takes a minute to install

    late.start();
    await().atMost(10, TimeUnit.SECONDS).until(() ->
        Thread.getAllStackTraces().keySet().stream().anyMatch(t ->
            java.util.Arrays.stream(t.getStackTrace()).anyMatch(f ->
                f.getMethodName().equals("installSnapshot")
                    && f.getClassName().endsWith("InMemoryStateStore"))));
    for (int i = 100; i < 300; i++) { // many times what the log keeps
      leader.submit(send("m" + i)).get(5, TimeUnit.SECONDS);
    }
    installing.countDown();
    cluster.awaitConverged();

    assertTrue(holds(late, "m299"));
    assertEquals(1, late.store.installed.get(),
        "the log was compacted past the snapshot being installed: a second one was needed");
  }

  @Test
  void aNewLeaderBehindTheOthersCompactedLogs_givesLeadershipBack_andAnotherLeadsLosingNothing()
      throws Exception {
    cluster = new SimulatedCluster(3, 12, this::network, SimulatedCluster.FAST, 10);
    SimNode first = cluster.node("n1");
    cluster.electAndWait(first);
    aliceWithQueue(first);
    SimNode behind = cluster.node("n3");
    behind.crash();
    for (int i = 0; i < 60; i++) {
      first.submit(send("m" + i)).get(5, TimeUnit.SECONDS); // on n1 and n2 only
    }
    SimNode second = cluster.node("n2");
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> second.writes.replica().base().seq() > behind.log.lastSeq() + 1);
    first.crash();
    behind.start();

    cluster.elect(behind); // its majority is n2, whose log it cannot adopt: compacted
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> behind.leadership.relinquished.get() > 0);
    assertFalse(behind.serving());
    cluster.electAndWait(second);

    cluster.awaitConverged();
    for (int i = 0; i < 60; i++) {
      assertTrue(holds(behind, "m" + i), "acknowledged m" + i + " lost");
    }
    assertEquals(1, behind.store.installed.get(), "it caught up from a snapshot");
  }

  @Test
  void aNewLeaderBehindTheOthers_adoptsTheMostAdvancedLog_andLosesNothingCommitted()
      throws Exception {
    SimNode first = startLedByN1WithAlicesQueue(4);
    SimNode behind = cluster.node("n3");
    behind.crash();
    for (int i = 0; i < 20; i++) {
      first.submit(send("m" + i)).get(5, TimeUnit.SECONDS); // on n1 and n2 only
    }
    first.crash();
    behind.start();

    cluster.electAndWait(behind); // its promises: its own and n2's, which is ahead

    for (int i = 0; i < 20; i++) {
      assertTrue(holds(behind, "m" + i), "acknowledged m" + i + " lost");
    }
    first.start();
    cluster.awaitConverged();
    assertSameLogs();
  }

  /**
   * Leaves n3 behind by {@code StandAside.ENTRIES_BEHIND} sends committed on n1 and n2 (each its
   * own entry: n3 would fetch and apply twice as many as n2 before it could serve), then crashes
   * n1 and restarts n3, so that n3 and n2 are the majority; returns n3.
   */
  private SimNode farBehindWithN2UpToDate(long seed) throws Exception {
    SimNode first = startLedByN1WithAlicesQueue(seed);
    SimNode behind = cluster.node("n3");
    behind.crash();
    for (int i = 0; i < StandAside.ENTRIES_BEHIND; i++) {
      first.submit(send("m" + i)).get(5, TimeUnit.SECONDS);
    }
    first.crash();
    behind.start();
    return behind;
  }

  @Test
  void aNewLeaderFarBehindTheOthers_standsAside_andOneUpToDateLeadsLosingNothing()
      throws Exception {
    SimNode behind = farBehindWithN2UpToDate(14);
    long lastSeq = behind.log.lastSeq();

    cluster.elect(behind); // its promises: its own and n2's, far ahead
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> behind.leadership.relinquished.get() > 0);
    assertFalse(behind.serving());
    assertEquals(lastSeq, behind.log.lastSeq(), "it adopted n2's log before standing aside");
    SimNode upToDate = cluster.node("n2");
    cluster.electAndWait(upToDate);

    cluster.awaitConverged();
    for (int i = 0; i < StandAside.ENTRIES_BEHIND; i++) {
      assertTrue(holds(behind, "m" + i), "acknowledged m" + i + " lost");
    }
  }

  @Test
  void aNodeThatStoodAside_leadsIfGrantedAgainBeforeAnyoneLed_soLeadershipCannotGoRoundInCircles()
      throws Exception {
    SimNode behind = farBehindWithN2UpToDate(15);
    cluster.elect(behind);
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> behind.leadership.relinquished.get() > 0);

    cluster.electAndWait(behind); // n2 did not take the leadership: n3 leads after all

    assertEquals(1, behind.leadership.relinquished.get());
    for (int i = 0; i < StandAside.ENTRIES_BEHIND; i++) {
      assertTrue(holds(behind, "m" + i), "acknowledged m" + i + " lost");
    }
    cluster.node("n1").start();
    cluster.awaitConverged();
    assertSameLogs();
  }

  @Test
  void aDeposedLeader_dropsItsUncommittedTail_andFollowsTheNewLeader() throws Exception {
    SimNode old = startLedByN1WithAlicesQueue(5);
    cluster.network.isolate("n1", cluster.ids());
    List<CompletableFuture<Committed>> stranded = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stranded.add(old.submit(send("stranded" + i)));
    }
    await().atMost(5, TimeUnit.SECONDS).until(() -> old.log.entries.size() > 3);
    SimNode fresh = cluster.node("n2");
    cluster.electAndWait(fresh);
    for (int i = 0; i < 10; i++) {
      fresh.submit(send("m" + i)).get(5, TimeUnit.SECONDS);
    }

    cluster.network.heal();

    cluster.awaitConverged();
    assertSameLogs();
    stranded.forEach(ReplicationScenariosTest::assertNotAcknowledged);
    for (SimNode n : cluster.running()) {
      assertFalse(holds(n, "stranded0"), n.id + " applied a write that was never committed");
      assertTrue(holds(n, "m9"), n.id);
    }
  }

  @Test
  void twoLeadersRacing_onlyTheLaterEpochCommits_andTheEarlierStepsDown() throws Exception {
    SimNode first = startLedByN1WithAlicesQueue(6);
    // n1 still believes it leads (its session has not expired) but cannot reach n2; n2 is elected.
    cluster.network.isolate("n1", Set.of("n2"));
    SimNode second = cluster.node("n2");
    cluster.electAndWait(second);

    CompletableFuture<Committed> late = first.submit(send("from-old-leader"));
    second.submit(send("from-new-leader")).get(5, TimeUnit.SECONDS);

    await().atMost(5, TimeUnit.SECONDS).until(() -> !first.serving());
    if (late.isDone() && !late.isCompletedExceptionally()) {
      throw new AssertionError("the deposed leader's write was acknowledged");
    }
    cluster.network.heal();
    cluster.awaitConverged();
    assertSameLogs();
    for (SimNode n : cluster.running()) {
      assertTrue(holds(n, "from-new-leader"));
    }
  }

  @Test
  void aLeaderKilledMidBatch_losesNoAcknowledgedWrite() throws Exception {
    cluster = startCluster(7);
    cluster.network.lossy(0.05, 5);
    SimNode first = cluster.node("n1");
    cluster.electAndWait(first);
    aliceWithQueue(first);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 400; i++) {
      String id = "m" + i;
      first.submit(send(id)).whenComplete((c, e) -> {
        if (e == null) {
          acked.add(id);
        }
      });
      if (i == 200) {
        await().atMost(5, TimeUnit.SECONDS).until(() -> acked.size() >= 50);
      }
      if (i == 300) {
        first.crash(); // with about a hundred writes appended or in flight, not yet answered
      }
    }
    SimNode second = cluster.node("n2");
    cluster.electAndWait(second);
    first.start();

    cluster.awaitConverged();
    assertSameLogs();
    assertFalse(acked.isEmpty());
    for (SimNode n : cluster.running()) {
      for (String id : acked) {
        assertTrue(holds(n, id), "acknowledged " + id + " lost on " + n.id);
      }
    }
  }

  /**
   * A nemesis crashes, restarts, isolates and heals nodes and elects leaders at random (from the
   * seed) while a client writes to whichever node serves, over a lossy network; then everything
   * heals and the invariants are checked. The seeds come from the subclass's static {@code
   * nemesisSeeds()}.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("nemesisSeeds")
  void randomFaults_neverLoseAnAcknowledgedWrite_andEndConverged(long seed) throws Exception {
    cluster = startCluster(seed);
    cluster.network.lossy(0.1, 8);
    Random nemesis = new Random(seed);
    List<SimNode> nodes = List.copyOf(cluster.members.values());
    cluster.electAndWait(nodes.get(0));
    aliceWithQueue(nodes.get(0));
    Set<String> acked = ConcurrentHashMap.newKeySet();
    List<String> history = new ArrayList<>();
    boolean[] isolated = {false};
    int sent = 0;
    long until = System.currentTimeMillis() + 4_000;
    while (System.currentTimeMillis() < until) {
      for (SimNode n : cluster.running()) {
        if (n.serving()) {
          for (int i = 0; i < 5; i++) {
            String id = "m" + sent++;
            n.submit(send(id)).whenComplete((c, e) -> {
              if (e == null) {
                acked.add(id);
              }
            });
          }
        }
      }
      // One node at a time is crashed or cut off, so a majority can always be reached again.
      SimNode victim = nodes.get(nemesis.nextInt(nodes.size()));
      boolean allUp = cluster.running().size() == nodes.size();
      switch (nemesis.nextInt(6)) {
        case 0 -> {
          if (allUp && !isolated[0]) {
            victim.crash();
            history.add("crash " + victim.id);
          }
        }
        case 1 -> {
          if (!victim.running) {
            victim.start();
            history.add("start " + victim.id);
          }
        }
        case 2 -> {
          if (allUp && !isolated[0]) {
            cluster.network.isolate(victim.id, cluster.ids());
            isolated[0] = true;
            history.add("isolate " + victim.id);
          }
        }
        case 3 -> {
          cluster.network.heal();
          isolated[0] = false;
          history.add("heal");
        }
        default -> {
          if (victim.running && cluster.running().stream().noneMatch(SimNode::serving)) {
            history.add("elect " + victim.id + " " + cluster.elect(victim));
          }
        }
      }
      Thread.sleep(120);
    }
    cluster.network.heal();
    for (SimNode n : nodes) {
      if (!n.running) {
        n.start();
      }
    }
    SimNode last = nodes.get(nemesis.nextInt(nodes.size()));
    cluster.electAndWait(last);
    last.submit(send("final")).get(5, TimeUnit.SECONDS);

    cluster.awaitConverged();
    assertSameLogs();
    assertFalse(acked.isEmpty(), "the nemesis left none of " + sent + " writes through: "
        + String.join(", ", history) + cluster.describe());
    for (SimNode n : nodes) {
      for (String id : acked) {
        assertTrue(holds(n, id), "acknowledged " + id + " lost on " + n.id + " (seed " + seed + ")");
      }
    }
  }
}
