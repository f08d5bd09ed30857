package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.StartEpoch;

/**
 * A member's rules, one by one (DESIGN.md, "The replication protocol, precisely"): each test
 * names the rule it breaks without.
 */
class ReplicaLogTest {

  private final InMemoryCommandLog log = new InMemoryCommandLog();
  private final InMemoryPromiseStore promises = new InMemoryPromiseStore();
  private final ReplicaState state = new ReplicaState();
  private final Applier applier = new Applier(new InMemoryStateStore(), state, Runnable::run);
  private final AtomicLong told = new AtomicLong();
  private ReplicaLog replica;

  @BeforeEach
  void open() throws Exception {
    replica = ReplicaLog.open("n2", 0, log, promises, applier, state);
    replica.onHigherEpoch(told::set);
  }

  @AfterEach
  void close() {
    applier.close();
  }

  private static List<LogEntry> entries(long fromSeq, long epoch, int count) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new LogEntry(fromSeq + i, epoch, 1_000, new StartEpoch()));
    }
    return out;
  }

  private AppendReply append(long epoch, long prevSeq, long prevEpoch, List<LogEntry> entries,
      long commitSeq) throws Exception {
    return replica.append(new Append(0, "n1", epoch, prevSeq, prevEpoch, entries, commitSeq));
  }

  /**
   * Starts an append of entry 1 in epoch 4 on a thread of its own, which the log holds for {@code
   * millis} (a 25 MB batch on a busy disk), and returns once it is inside the log's append, under
   * the replica's lock.
   */
  private Thread appendSlowlyInBackground(long millis) throws InterruptedException {
    log.appendMillis = millis;
    Thread appending = new Thread(() -> {
      try {
        append(4, 0, 0, entries(1, 4, 1), 0);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    appending.start();
    while (appending.isAlive() && appending.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(5);
    }
    return appending;
  }

  @Test
  void newEpoch_isPromisedDurablyBeforeItIsAnswered_andALowerOneIsRefused() throws Exception {
    log.append(entries(1, 1, 3));
    replica.resync();

    Promise granted = replica.newEpoch(new NewEpoch(0, "n1", 5));

    assertTrue(granted.granted());
    assertEquals(5, promises.promisedEpoch(), "the promise must be on disk when answered");
    assertEquals(1, granted.lastEpoch());
    assertEquals(3, granted.lastSeq());
    assertEquals(5, told.get(), "its own proposer is told to stop leading an older epoch");
    assertFalse(replica.newEpoch(new NewEpoch(0, "n3", 4)).granted());
  }

  @Test
  void aContact_isAnsweredWithThePromise_whileAnAppendStillHoldsTheLog() throws Exception {
    replica.newEpoch(new NewEpoch(0, "n1", 4));
    Thread appending = appendSlowlyInBackground(2_000);

    long start = System.nanoTime();
    Contacted answer = replica.contact(new Contact(0, "n1", 4, 0));

    assertTrue(System.nanoTime() - start < 1_000_000_000L, "waited for the append");
    assertEquals(new Contacted("n2", 4), answer);
    assertEquals(new Contacted("n2", 4), replica.contact(new Contact(0, "n1", 3, 0)),
        "the promise, whatever epoch the caller leads");
    appending.join();
    assertEquals(1, replica.lastSeq());
  }

  /**
   * A contact's lease holds while an append still writes (the leader renews a follower's lease that
   * way during a 25 MB batch), but only for the epoch promised: one from a deposed leader, or sent
   * before a promise to a newer epoch arrived, never grants a lease. Breaks if a contact's lease is
   * ignored, or taken whatever its epoch.
   */
  @Test
  void aContactsLease_isHeldWhileAnAppendStillWrites_onlyForThePromisedEpoch() throws Exception {
    replica.newEpoch(new NewEpoch(0, "n1", 4));
    Thread appending = appendSlowlyInBackground(1_500);
    assertFalse(replica.holdsLease());

    replica.contact(new Contact(0, "n0", 3, 10_000));
    assertFalse(replica.holdsLease(), "a lease from a leader of an older epoch");
    replica.contact(new Contact(0, "n1", 4, 10_000));
    assertTrue(replica.holdsLease(), "the leader's lease, while its append still writes");
    appending.join();

    replica.newEpoch(new NewEpoch(0, "n3", 5));
    assertFalse(replica.holdsLease(), "a promise to a newer epoch drops the lease");
    replica.contact(new Contact(0, "n1", 4, 10_000));
    assertFalse(replica.holdsLease(), "a contact of the epoch before the promise");
  }

  /**
   * A lease runs from when its append arrived, not from when the lock was free: here the append
   * granting it waits 1.5 s behind a slow one, longer than its 1 s lease, and must not leave the
   * follower holding a lease the leader no longer counts. Breaks if {@code received} is taken
   * under the lock.
   */
  @Test
  void aLeaseRunsFromTheAppendsArrival_notFromWhenTheLockWasFree() throws Exception {
    replica.newEpoch(new NewEpoch(0, "n1", 4));
    Thread slow = appendSlowlyInBackground(1_500);

    AppendReply reply = replica.append(new Append(0, "n1", 4, 0, 0, List.of(), 0, 1_000));

    assertEquals(AppendReply.Result.ACCEPTED, reply.result());
    assertFalse(replica.holdsLease(), "a lease counted from when the lock was free");
    slow.join();
  }

  @Test
  void anAppendOfAnOlderEpoch_isRefusedAndChangesNothing() throws Exception {
    replica.newEpoch(new NewEpoch(0, "n3", 5));

    AppendReply reply = append(4, 0, 0, entries(1, 4, 2), 2);

    assertEquals(AppendReply.Result.STALE_EPOCH, reply.result());
    assertEquals(5, reply.promisedEpoch());
    assertTrue(log.entries.isEmpty());
  }

  @Test
  void anAppendOfALaterEpoch_raisesThePromiseDurably() throws Exception {
    append(3, 0, 0, entries(1, 3, 1), 0);
    assertEquals(3, promises.promisedEpoch());
    assertEquals(3, told.get());
  }

  @Test
  void anAppendWhosePreviousEntryDiffers_isRefusedWithTheLastSeq() throws Exception {
    append(1, 0, 0, entries(1, 1, 3), 0);

    AppendReply gap = append(2, 5, 2, entries(6, 2, 1), 0);
    AppendReply wrongEpoch = append(2, 3, 2, entries(4, 2, 1), 0);

    assertEquals(AppendReply.Result.MISMATCH, gap.result());
    assertEquals(3, gap.lastSeq());
    assertEquals(AppendReply.Result.MISMATCH, wrongEpoch.result());
    assertEquals(3, log.entries.size(), "a refused append changes nothing");
  }

  @Test
  void anAppendAlreadyHeld_isAcceptedWithoutWritingTwice_andKeepsALongerTail() throws Exception {
    append(1, 0, 0, entries(1, 1, 5), 0);

    AppendReply again = append(1, 1, 1, entries(2, 1, 2), 0); // late, reordered duplicate

    assertEquals(AppendReply.Result.ACCEPTED, again.result());
    assertEquals(3, again.matchSeq(), "it matches the leader up to the append's end, not beyond");
    assertEquals(5, log.entries.size(), "entries of the same epoch beyond it are kept");
  }

  @Test
  void anAppendSentAgain_readsNoEpochFromTheLogForEntriesAlreadyCommitted() throws Exception {
    // A follower catching up stored a large append, but its answer came after the leader's
    // deadline: the leader sends the same entries again. They are committed here, so out of the
    // tail cache; checking each against the log was one query an entry, which made the next
    // answer late too (seen: a restarted follower took minutes to catch up 10,000 entries).
    append(1, 0, 0, entries(1, 1, 2_000), 2_000);
    assertEquals(2_000, replica.committedSeq());
    log.epochReads = 0;

    AppendReply again = append(1, 0, 0, entries(1, 1, 2_000), 2_000);

    assertEquals(AppendReply.Result.ACCEPTED, again.result());
    assertEquals(2_000, again.matchSeq());
    assertEquals(2_000, log.entries.size(), "nothing written twice");
    assertTrue(log.epochReads <= 2, "epochs read from the log: " + log.epochReads);
  }

  @Test
  void anAppendSentAgain_withNewEntriesAfterTheCommittedOnes_appendsOnlyThose() throws Exception {
    append(1, 0, 0, entries(1, 1, 5), 3);

    AppendReply reply = append(1, 0, 0, entries(1, 1, 8), 3); // 1..3 committed, 4..5 held

    assertEquals(AppendReply.Result.ACCEPTED, reply.result());
    assertEquals(8, reply.matchSeq());
    assertEquals(8, log.entries.size());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L),
        log.entries.stream().map(LogEntry::seq).toList());
  }

  @Test
  void aConflictInsideARunOfOneEpoch_isFoundAtItsFirstEntry() throws Exception {
    append(2, 0, 0, entries(1, 1, 3), 3);
    append(2, 3, 1, entries(4, 2, 3), 3); // 4..6 of epoch 2, never committed

    // Epoch 3's leader holds 1..4 of epoch 1 (4 came from epoch 1's leader) and 5..6 of its own:
    // the run 1..4 ends on an entry of another epoch here.
    List<LogEntry> leaders = new ArrayList<>(entries(1, 1, 4));
    leaders.addAll(entries(5, 3, 2));
    AppendReply reply = append(3, 0, 0, leaders, 3);

    assertEquals(AppendReply.Result.ACCEPTED, reply.result());
    assertEquals(List.of(1L, 1L, 1L, 1L, 3L, 3L),
        log.entries.stream().map(LogEntry::epoch).toList());
    assertEquals(6, replica.lastSeq());
    assertEquals(3, replica.lastEpoch());
  }

  @Test
  void aConflictingTail_isDroppedAndReplacedByTheLeaders() throws Exception {
    append(1, 0, 0, entries(1, 1, 5), 2); // 3..5 never committed

    AppendReply reply = append(2, 2, 1, entries(3, 2, 2), 2);

    assertEquals(AppendReply.Result.ACCEPTED, reply.result());
    assertEquals(4, log.entries.size());
    assertEquals(2, log.entries.get(2).epoch());
    assertEquals(4, replica.lastSeq());
    assertEquals(2, replica.lastEpoch());
  }

  @Test
  void theCommitPoint_isTheLeadersButNoFurtherThanWhatMatchesIt() throws Exception {
    append(1, 0, 0, entries(1, 1, 5), 0);

    append(2, 2, 1, List.of(), 9); // a heartbeat: only 1..2 are known to match the leader's log

    assertEquals(2, replica.committedSeq());
  }

  @Test
  void truncatingAtOrBelowTheCommitPoint_isRefused_andTheNodeStopsServing() throws Exception {
    append(1, 0, 0, entries(1, 1, 5), 4);
    assertEquals(4, replica.committedSeq());

    assertThrows(IllegalStateException.class, () -> append(2, 2, 1, entries(3, 2, 1), 4));

    assertFalse(replica.healthy());
    assertEquals(5, log.entries.size(), "nothing was dropped");
  }

  @Test
  void aFetchOfAnOlderEpoch_isRefused() throws Exception {
    append(3, 0, 0, entries(1, 3, 2), 0);

    assertFalse(replica.fetch(new Fetch(0, "n1", 2, 0, 10)).granted());
    assertEquals(2, replica.fetch(new Fetch(0, "n1", 3, 0, 10)).entries().size());
  }

  @Test
  void aLeaderThatPromisedALaterEpoch_cannotAppendInItsOwn() throws Exception {
    assertTrue(replica.promiseOwn(2));
    replica.newEpoch(new NewEpoch(0, "n3", 3));

    assertThrows(NotCommittedException.class,
        () -> replica.appendAsLeader(2, entries(1, 2, 1)));
    assertTrue(log.entries.isEmpty());
    assertFalse(replica.promiseOwn(2));
  }

  @Test
  void aPromiseThatCouldNotBeStored_isNotHeld_andIsStoredWhenGrantedLater() throws Exception {
    promises.failNextPromises = 1;

    assertThrows(StoreUnavailableException.class, () -> replica.newEpoch(new NewEpoch(0, "n1", 5)));

    assertEquals(0, replica.promisedEpoch(), "a promise not on disk must not be acted on");
    assertEquals(0, told.get());
    Promise retried = replica.newEpoch(new NewEpoch(0, "n1", 5));
    assertTrue(retried.granted());
    assertEquals(5, promises.promisedEpoch(), "the promise must be on disk when it is granted");
  }

  @Test
  void truncatingTheLastCommittedEntry_isRefusedToo() throws Exception {
    append(1, 0, 0, entries(1, 1, 5), 4);

    // A conflicting entry at seq 4, the commit point: it would drop 4, which is committed.
    assertThrows(IllegalStateException.class, () -> append(2, 3, 1, entries(4, 2, 1), 4));

    assertFalse(replica.healthy());
    assertEquals(5, log.entries.size(), "nothing was dropped");
    assertEquals(1, log.entries.get(3).epoch());
  }

  @Test
  void aLeaderThatPromisedALaterEpoch_cannotAdoptEntriesInItsOwn() throws Exception {
    append(1, 0, 0, entries(1, 1, 2), 0);
    assertTrue(replica.promiseOwn(2));
    replica.newEpoch(new NewEpoch(0, "n3", 3));

    assertThrows(NotCommittedException.class, () -> replica.adopt(2, entries(2, 2, 2), 3));

    assertEquals(2, replica.lastSeq());
    assertEquals(1, log.entries.get(1).epoch(), "nothing was dropped or appended");
  }

  @Test
  void adoptingAShorterLog_dropsTheRest_andEndsOnTheEpochOfItsNewLastEntry() throws Exception {
    append(1, 0, 0, entries(1, 1, 3), 0);
    append(2, 3, 1, entries(4, 2, 2), 0); // 4..5 of epoch 2, never committed
    assertTrue(replica.promiseOwn(3));

    replica.adopt(3, List.of(), 3); // the most advanced log ends at seq 3

    assertEquals(3, replica.lastSeq());
    assertEquals(1, replica.lastEpoch(), "the epoch of seq 3, not that of the dropped seq 5");
    assertEquals(1, replica.ownPromise().lastEpoch());
    assertEquals(1, replica.epochAt(3));
  }

  @Test
  void theUncommittedTailCache_overflowsToTheLog_andServesTheSameEntries() throws Exception {
    int many = ReplicaLog.TAIL_CACHE_LIMIT + 10;
    append(1, 0, 0, entries(1, 1, many), 0);

    List<LogEntry> read = replica.entriesAfter(many - 20, 100);

    assertEquals(20, read.size());
    assertEquals(many - 19, read.get(0).seq());
  }

  @Test
  void entriesJustCommitted_areServedFromMemory_toAFollowerBehindTheCommitPoint() throws Exception {
    append(1, 0, 0, entries(1, 1, 10), 0);
    append(1, 10, 1, List.of(), 10); // the faster follower had them: committed
    log.rangeReads = 0;

    List<LogEntry> read = replica.entriesAfter(4, 100);

    assertEquals(log.entries.subList(4, 10), read);
    assertEquals(0, log.rangeReads, "the slower follower's entries come from memory");
  }

  @Test
  void theCommittedEntriesKept_areBoundedInNumber_andOlderOnesAreReadFromTheLog()
      throws Exception {
    int kept = ReplicaLog.RECENT_COMMITTED_ENTRIES;
    append(1, 0, 0, entries(1, 1, kept + 10), 0);
    append(1, kept + 10, 1, List.of(), kept + 10);
    log.rangeReads = 0;

    assertEquals(log.entries.subList(10, 15), replica.entriesAfter(10, 5));
    assertEquals(0, log.rangeReads);
    assertEquals(log.entries.subList(9, 14), replica.entriesAfter(9, 5));
    assertEquals(1, log.rangeReads, "the entry after 9 was let go: it comes from the log");
  }

  @Test
  void theCommittedEntriesKept_areBoundedInBytes() throws Exception {
    String mebibyte = "x".repeat(1 << 20);
    List<LogEntry> large = new ArrayList<>();
    for (long seq = 1; seq <= 40; seq++) {
      large.add(new LogEntry(seq, 1, 1_000, new org.quipu.core.command.SendMessages("q", "alice",
          List.of(new org.quipu.core.command.SendMessages.NewMessage("m-" + seq, mebibyte,
              java.util.Map.of(), 0)))));
    }
    append(1, 0, 0, large, 0);
    append(1, 40, 1, List.of(), 40);
    log.rangeReads = 0;

    int kept = (int) (ReplicaLog.RECENT_COMMITTED_BYTES / EntrySizes.approximate(large.get(0)));
    assertTrue(kept < 40, "the bytes bound before the count: " + kept);
    int firstKept = 40 - kept + 1;

    assertEquals(log.entries.subList(firstKept - 1, 40), replica.entriesAfter(firstKept - 1, 50));
    assertEquals(0, log.rangeReads, "the last " + kept + " are in memory");
    assertEquals(log.entries.subList(firstKept - 2, 40), replica.entriesAfter(firstKept - 2, 50));
    assertEquals(1, log.rangeReads, "the one before them comes from the log");
  }

  @Test
  void aCompaction_letsGoOfTheCommittedEntriesItRemoves_andKeepsTheRest() throws Exception {
    applier.start();
    append(1, 0, 0, entries(1, 1, 30), 0);
    append(1, 30, 1, List.of(), 20);
    state.whenApplied(20).get(5, java.util.concurrent.TimeUnit.SECONDS);
    replica.compactTo(15);
    log.rangeReads = 0;

    assertEquals(log.entries.subList(0, 10), replica.entriesAfter(15, 10));
    assertEquals(0, log.rangeReads);
    assertThrows(IllegalStateException.class, () -> replica.entriesAfter(14, 10));
  }

  // ---- compaction and snapshots ----

  /** A snapshot's bytes and id, and what the installer was handed. */
  private static SnapshotId idOf(byte[] bytes, LogPosition at) {
    java.security.MessageDigest sha = SnapshotInbox.sha256();
    return new SnapshotId(at, bytes.length, java.util.HexFormat.of().formatHex(sha.digest(bytes)));
  }

  private SnapshotReceived chunk(long epoch, SnapshotId id, byte[] all, long offset, int length)
      throws Exception {
    byte[] data = java.util.Arrays.copyOfRange(all, (int) offset, (int) offset + length);
    return replica.installSnapshot(new SnapshotChunk(0, "n1", epoch, id, offset, data));
  }

  @Test
  void aSnapshotCutOff_resumesWhereTheFollowersCopyEnds_evenAfterItRestarts(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    List<byte[]> installed = new ArrayList<>();
    ReplicaLog.SnapshotInstaller installer =
        (in, at, appliedFirst) -> installed.add(in.readAllBytes());
    replica.takeSnapshots(dir, installer);
    log.append(entries(1, 1, 3)); // a short old log: its next entry was compacted on the leader
    replica.resync();
    byte[] bytes = new byte[300_000];
    new java.util.Random(5).nextBytes(bytes);
    SnapshotId id = idOf(bytes, new LogPosition(500, 3, 9_000));

    assertEquals(100_000, chunk(3, id, bytes, 0, 100_000).received());
    assertEquals(200_000, chunk(3, id, bytes, 100_000, 100_000).received());
    assertEquals(200_000, chunk(3, id, bytes, 50_000, 100_000).received(),
        "a chunk that does not start at the end of the copy is not taken");

    // The node restarts: a new ReplicaLog on the same log and the same directory.
    replica = ReplicaLog.open("n2", 0, log, promises, applier, state);
    replica.takeSnapshots(dir, installer);
    SnapshotReceived probe = chunk(3, id, bytes, 0, 0);
    assertEquals(200_000, probe.received(), "the transfer resumes; it does not start again");
    assertFalse(probe.installed());

    SnapshotReceived last = chunk(3, id, bytes, 200_000, 100_000);

    assertTrue(last.installed());
    assertEquals(1, installed.size());
    assertTrue(java.util.Arrays.equals(bytes, installed.get(0)), "installed as sent");
    assertEquals(new LogPosition(500, 3, 9_000), log.base(), "the log restarts after it");
    assertEquals(500, replica.lastSeq());
    assertEquals(3, replica.lastEpoch());
    assertEquals(500, replica.committedSeq());
    assertTrue(replica.lastTimestamp() >= 9_000, "a leader here never stamps below it");
    // Appends go on after the snapshot's position.
    AppendReply next = append(3, 500, 3, entries(501, 3, 2), 502);
    assertEquals(AppendReply.Result.ACCEPTED, next.result());
    assertEquals(502, replica.lastSeq());
  }

  @Test
  void aNodeStoppedBetweenTheTablesAndTheLog_finishesTheInstallWhenItStarts(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    replica.takeSnapshots(dir, (in, at, appliedFirst) -> {
      state.replace(new org.quipu.core.state.Broker(), at.seq()); // the tables took it
      throw new IllegalStateException("the node stops here");
    });
    log.append(entries(1, 1, 3));
    replica.resync();
    byte[] bytes = new byte[10];
    SnapshotId id = idOf(bytes, new LogPosition(200, 4, 7_000));
    assertThrows(IllegalStateException.class, () -> chunk(4, id, bytes, 0, 10));
    assertEquals(3, log.lastSeq(), "the log was not restarted");

    replica = ReplicaLog.open("n2", 0, log, promises, applier, state);
    replica.takeSnapshots(dir, (in, at, appliedFirst) -> {
      throw new AssertionError("installed twice");
    });

    assertEquals(new LogPosition(200, 4, 7_000), log.base());
    assertEquals(200, replica.lastSeq());
    assertEquals(4, replica.lastEpoch());
    assertEquals(200, replica.committedSeq());
  }

  @Test
  void aSnapshotWhoseBytesAreDamaged_isNotInstalled_andIsTakenAgainFromTheStart(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    List<byte[]> installed = new ArrayList<>();
    replica.takeSnapshots(dir, (in, at, appliedFirst) -> installed.add(in.readAllBytes()));
    byte[] bytes = new byte[1_000];
    new java.util.Random(6).nextBytes(bytes);
    SnapshotId id = idOf(bytes, new LogPosition(40, 2, 1));
    byte[] damaged = bytes.clone();
    damaged[700] ^= 1;

    SnapshotReceived answer = chunk(2, id, damaged, 0, 1_000);

    assertFalse(answer.installed());
    assertEquals(0, answer.received());
    assertTrue(installed.isEmpty());
    assertEquals(0, replica.lastSeq());
  }

  @Test
  void aSnapshotFromAStaleEpoch_isRefused_andNothingIsKept(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    replica.takeSnapshots(dir, (in, at, appliedFirst) -> {
      throw new AssertionError("installed a stale leader's snapshot");
    });
    replica.newEpoch(new NewEpoch(0, "n3", 6));
    byte[] bytes = new byte[10];
    SnapshotId id = idOf(bytes, new LogPosition(40, 5, 1));

    SnapshotReceived answer = chunk(5, id, bytes, 0, 10);

    assertFalse(answer.accepted());
    assertEquals(6, answer.promisedEpoch());
    try (var left = java.nio.file.Files.list(dir)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void aCompactedLog_acceptsAppendsAfterItsBase_andAnswersAFetchBelowItAsCompacted()
      throws Exception {
    applier.start();
    append(2, 0, 0, entries(1, 2, 10), 10);
    state.whenApplied(10).get(5, java.util.concurrent.TimeUnit.SECONDS);

    replica.compactTo(6);

    assertEquals(6, log.base().seq());
    assertEquals(-1, replica.epochAt(5), "compacted away");
    assertEquals(2, replica.epochAt(6), "the base keeps its epoch");
    // A leader whose append starts below the base: those entries are committed here already.
    assertEquals(AppendReply.Result.ACCEPTED, append(2, 3, 2, entries(4, 2, 9), 10).result());
    assertEquals(12, replica.lastSeq());
    Fetched below = replica.fetch(new Fetch(0, "n3", 3, 4, 100));
    assertTrue(below.compactedAfter(4));
    assertTrue(below.entries().isEmpty());
    assertEquals(List.of(7L, 8L), replica.fetch(new Fetch(0, "n3", 3, 6, 2)).entries().stream()
        .map(LogEntry::seq).toList());
  }
}
