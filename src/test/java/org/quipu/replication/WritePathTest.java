package org.quipu.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.StartEpoch;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.Role;

/** The staged write path against in-memory fakes of the log and the state tables. */
class WritePathTest {

  private final InMemoryCommandLog log = new InMemoryCommandLog();
  private final InMemoryStateStore store = new InMemoryStateStore();
  private ReplicaState state = new ReplicaState();
  private final AtomicLong clock = new AtomicLong(1_000);
  private WritePath writes;

  private final InMemoryPromiseStore promises = new InMemoryPromiseStore();

  /** Leadership that never grants: a follower whose leader is elsewhere. */
  private static final Leadership NEVER_LEADS = new Leadership() {
    @Override
    public void start(Listener listener) { }

    @Override
    public void relinquish(String why) { }
  };

  /** A group of one, as a node alone runs. */
  private WritePath writePath(Leadership leadership) {
    return new WritePath("node-1", 0, Set.of("node-1"), log, promises, store, state, leadership,
        ReplicationTransport.noPeers(), Forwarding.noLeaderElsewhere(),
        ReplicationSettings.defaults(), clock::get, 100,
        Runnable::run);
  }

  private WritePath start() {
    writes = writePath(Leadership.fixed(1));
    writes.start();
    await().atMost(5, TimeUnit.SECONDS).until(writes::serving);
    return writes;
  }

  @AfterEach
  void tearDown() {
    if (writes != null) {
      writes.close();
    }
  }

  private int ready() {
    return state.read(b -> b.queue("q", clock.get()).orElseThrow().counters().ready());
  }

  private static SendMessages send(int i) {
    return new SendMessages("q", "alice",
        List.of(new SendMessages.NewMessage("m" + i, "body" + i, Map.of(), 0)));
  }

  private void aliceWithQueue() throws Exception {
    writes.submit(new RegisterUser("alice", "h", Role.USER)).get(5, TimeUnit.SECONDS);
    writes.submit(new CreateQueue("q", "alice",
        new QueueAttributes(30_000, null, null, 345_600_000, null, true))).get(5, TimeUnit.SECONDS);
  }

  @Test
  void submit_concurrentCommands_areCommittedInBatchesWithGaplessSeqs() throws Exception {
    start();
    aliceWithQueue();
    List<CompletableFuture<Committed>> futures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      futures.add(writes.submit(send(i)));
    }
    List<Long> seqs = new ArrayList<>();
    for (var f : futures) {
      Committed c = f.get(10, TimeUnit.SECONDS);
      assertInstanceOf(Outcome.MessagesSent.class, c.outcome());
      seqs.add(c.seq());
    }
    // seq 1 is the epoch-start entry the leader commits before it serves.
    assertInstanceOf(StartEpoch.class, log.entries.get(0).command());
    assertEquals(503, log.entries.size());
    for (int i = 0; i < log.entries.size(); i++) {
      assertEquals(i + 1, log.entries.get(i).seq());
    }
    assertEquals(503, state.appliedSeq());
    assertEquals(503, store.appliedSeq());
    assertEquals(500, seqs.stream().distinct().count());
  }

  @Test
  void aBatchWhoseAppendFails_isNeverVisibleToAReader_andItsCallerGets503() throws Exception {
    start();
    aliceWithQueue();
    long appliedBefore = state.appliedSeq();
    log.failNextAppends = 1;

    var failed = writes.submit(send(1));

    var error = assertThrows(ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
    assertInstanceOf(NotCommittedException.class, error.getCause());
    assertEquals(0, ready());
    assertEquals(appliedBefore, state.appliedSeq());
    await().atMost(5, TimeUnit.SECONDS).until(writes::serving);
    var retried = writes.submit(send(1)).get(5, TimeUnit.SECONDS);
    assertEquals(appliedBefore + 1, retried.seq(), "the failed batch left no hole in the log");
  }

  @Test
  void anAppendStoredButNotAcknowledged_isFoundAndAppliedOnce_beforeNewWrites() throws Exception {
    start();
    aliceWithQueue();
    log.loseNextAnswers = 1;

    var unknown = writes.submit(send(1));

    assertThrows(ExecutionException.class, () -> unknown.get(5, TimeUnit.SECONDS));
    await().atMost(5, TimeUnit.SECONDS).until(writes::serving);
    var next = writes.submit(send(2)).get(5, TimeUnit.SECONDS);
    // 1: the epoch start, 2 and 3: alice and her queue, 4: the append whose answer was lost.
    assertEquals(5, next.seq(), "seq 4 was durable, so it is committed and the next write follows it");
    assertEquals(2, ready());
  }

  @Test
  void stateStoreOutage_isRetried_committedWritesAreAnsweredOnceItIsBack() throws Exception {
    start();
    aliceWithQueue();
    store.failNextApplies = 3;

    var sent = writes.submit(send(1)).get(10, TimeUnit.SECONDS);

    assertInstanceOf(Outcome.MessagesSent.class, sent.outcome());
    assertEquals(sent.seq(), store.appliedSeq());
    assertTrue(writes.serving());
  }

  @Test
  void unappliedEntries_countsCommittedWritesTheStateStoreHasNotTaken_andIsZeroOnceItHas()
      throws Exception {
    start();
    aliceWithQueue();
    assertEquals(0, writes.unappliedEntries());
    store.failNextApplies = 3; // about 1.5 s of retries

    var sent = writes.submit(send(1));

    await().atMost(5, TimeUnit.SECONDS).until(() -> writes.unappliedEntries() == 1);
    sent.get(10, TimeUnit.SECONDS);
    assertEquals(0, writes.unappliedEntries());
  }

  @Test
  void aStateWriteStoredButNotAcknowledged_isNotWrittenAgain_andTheWriteIsAnswered() throws Exception {
    start();
    aliceWithQueue();
    store.loseNextAnswers = 1;

    var sent = writes.submit(send(1)).get(5, TimeUnit.SECONDS);

    assertInstanceOf(Outcome.MessagesSent.class, sent.outcome());
    assertEquals(sent.seq(), store.appliedSeq());
    assertTrue(writes.serving(), "the applier must not be stuck re-inserting the stored rows");
    assertEquals(sent.seq() + 1, writes.submit(send(2)).get(5, TimeUnit.SECONDS).seq());
    Broker restored = new Broker();
    store.restore(restored);
    assertEquals(state.read(Broker::digest), restored.digest());
  }

  @Test
  void restart_replaysTheLogPastTheStateTables_intoMemoryAndTheTables() throws Exception {
    start();
    aliceWithQueue();
    for (int i = 0; i < 20; i++) {
      writes.submit(send(i)).get(5, TimeUnit.SECONDS);
    }
    writes.close();
    // Seq 1 is the epoch start, 2..23 the writes. The log got two more entries whose state writes
    // never happened (a crash between the stages).
    log.append(List.of(new LogEntry(24, 1, 1_000, send(100)), new LogEntry(25, 1, 1_000, send(101))));

    state = new ReplicaState();
    start();

    // Committed through the restarted leader's own epoch start, seq 26, and applied.
    assertEquals(26, state.appliedSeq());
    assertEquals(26, store.appliedSeq());
    assertInstanceOf(StartEpoch.class, log.entries.get(25).command());
    assertEquals(22, ready());
    String replayed = state.read(Broker::digest);
    writes.close();
    ReplicaState again = new ReplicaState();
    state = again;
    start();
    assertEquals(27, again.appliedSeq(), "one more epoch start, and nothing replayed twice");
    assertEquals(replayed, again.read(Broker::digest), "the tables now hold what was replayed");
  }

  @Test
  void restart_withNothingPastTheTables_restoresTheSameDigest() throws Exception {
    start();
    aliceWithQueue();
    for (int i = 0; i < 20; i++) {
      writes.submit(send(i)).get(5, TimeUnit.SECONDS);
    }
    String before = state.read(Broker::digest);
    writes.close();

    state = new ReplicaState();
    start();

    assertEquals(before, state.read(Broker::digest));
    assertEquals(24, state.appliedSeq(), "two epoch starts, alice, her queue and 20 sends");
  }

  @Test
  void withoutLeadership_writesAreRefused_andNothingIsLogged() throws Exception {
    writes = writePath(NEVER_LEADS);
    writes.start();
    Thread.sleep(200);

    var refused = writes.submit(new RegisterUser("alice", "h", Role.USER));

    var error = assertThrows(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
    assertInstanceOf(NotCommittedException.class, error.getCause());
    assertFalse(writes.serving());
    assertTrue(log.entries.isEmpty());
  }

  @Test
  void leadershipListeners_areGrantedAfterTheProposer_soALeaderDutyCanProposeAtOnce() throws Exception {
    CompletableFuture<Committed> fromDuty = new CompletableFuture<>();
    writes = writePath(Leadership.fixed(7));
    writes.onLeadership(new Leadership.Listener() {
      @Override
      public void onGranted(long epoch) {
        writes.submit(new RegisterUser("admin", "h", Role.ADMIN)).whenComplete((c, e) -> {
          if (e != null) {
            fromDuty.completeExceptionally(e);
          } else {
            fromDuty.complete(c);
          }
        });
      }

      @Override
      public void onRevoked() {}
    });
    writes.start();

    assertInstanceOf(Outcome.UserRegistered.class, fromDuty.get(5, TimeUnit.SECONDS).outcome());
    assertEquals(7, log.entries.get(0).epoch(), "entries carry the granted epoch");
  }

  @Test
  void aStageThatDiesOfAnError_takesTheNodeOutOfService_andCallsTheDeathHandler() throws Exception {
    CompletableFuture<Throwable> handled = new CompletableFuture<>();
    writes = writePath(Leadership.fixed(1));
    writes.onStageDeath(handled::complete);
    writes.start();
    await().atMost(5, TimeUnit.SECONDS).until(writes::serving);
    store.dieOnNextApply = new OutOfMemoryError("simulated");

    var lost = writes.submit(new RegisterUser("alice", "h", Role.USER));

    assertInstanceOf(OutOfMemoryError.class, handled.get(5, TimeUnit.SECONDS));
    var unknown = assertThrows(ExecutionException.class, () -> lost.get(5, TimeUnit.SECONDS));
    assertInstanceOf(NotCommittedException.class, unknown.getCause(), "its caller is answered 503");
    assertFalse(writes.serving(), "a node whose applier died must not report itself serving");
    var refused = writes.submit(new RegisterUser("bob", "h", Role.USER));
    assertThrows(ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
  }
}
