package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.Publish;
import org.quipu.core.command.StartEpoch;

/**
 * A follower writing a large append (a batch of 25 MB takes seconds) keeps its read lease through
 * the leader's contacts, and only until that append's deadline. One {@link Replicator} against a
 * real follower {@link ReplicaLog}; the test delivers the appends, contacts reach the follower at
 * once. Before contacts carried leases, the follower lost its lease mid-append and refused every
 * read with 503; a contact lease without a bound would let a follower stuck in its append hold
 * one, and hold up every logout, for ever.
 */
class ContactLeaseTest {

  /** Lease 1 s (0.9 s on the follower); a contact's deadline 100 ms; an append's 200 ms. */
  private static final ReplicationSettings SETTINGS = new ReplicationSettings(
      Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(30),
      50, Duration.ofSeconds(1), 4);

  /** The pipeline test's wire (appends wait for the test); contacts reach the follower at once. */
  static final class Wire extends ReplicatorPipelineTest.Wire {
    private final List<Contact> contacts = new ArrayList<>();

    Wire(ReplicaLog follower) {
      super(follower);
    }

    synchronized List<Contact> contacts() {
      return List.copyOf(contacts);
    }

    @Override
    public CompletableFuture<Contacted> contact(String m, Contact r, Duration d) {
      synchronized (this) {
        contacts.add(r);
      }
      return CompletableFuture.completedFuture(follower.contact(r));
    }
  }

  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
  private Applier leadApplier;
  private Applier folApplier;
  private ReplicaLog lead;
  private ReplicaLog follower;
  private Wire wire;
  private Replicator replicator;

  @BeforeEach
  void leaderAndFollower() throws Exception {
    ReplicaState leadState = new ReplicaState();
    leadApplier = new Applier(new InMemoryStateStore(), leadState, Runnable::run);
    lead = ReplicaLog.open("n1", 0, new InMemoryCommandLog(), new InMemoryPromiseStore(),
        leadApplier, leadState);
    leadApplier.start();
    lead.promiseOwn(2);
    List<LogEntry> start = new ArrayList<>();
    for (long seq = 1; seq <= 5; seq++) {
      start.add(new LogEntry(seq, 2, 1_000, new StartEpoch()));
    }
    lead.appendAsLeader(2, start);
    lead.commitTo(5);

    ReplicaState folState = new ReplicaState();
    folApplier = new Applier(new InMemoryStateStore(), folState, Runnable::run);
    follower = ReplicaLog.open("n2", 0, new InMemoryCommandLog(), new InMemoryPromiseStore(),
        folApplier, folState);
    folApplier.start();
    wire = new Wire(follower);
    LeaderTerm term = new LeaderTerm("n1", 0, 2, Set.of("n1", "n2", "n3"), lead, wire, SETTINGS,
        timer, (t, why) -> { }, ReplicationObserver.NONE, null);
    replicator = new Replicator("n2", 1, term, lead, wire, SETTINGS, timer, 0,
        ReplicationObserver.NONE, null);

    replicator.wake(); // 1..5: the first answer, no lease yet
    wire.deliver(0);
    Thread.sleep(20);
    replicator.tick(); // a heartbeat to a follower that answered lately: a lease
    assertEquals(2, wire.appends.size());
    assertTrue(wire.appends.get(1).leaseMillis() > 0, "the heartbeat grants a lease");
    wire.deliver(1);
    assertTrue(follower.holdsLease());
  }

  @AfterEach
  void close() {
    replicator.stop();
    timer.shutdownNow();
    leadApplier.close();
    folApplier.close();
  }

  /** Calls tick every 20 ms until {@code untilNanos}. */
  private void tickUntil(long untilNanos) throws InterruptedException {
    while (System.nanoTime() - untilNanos < 0) {
      replicator.tick();
      Thread.sleep(20);
    }
  }

  @Test
  void contactsRenewTheLease_whileALargeAppendRuns_untilItsDeadline() throws Exception {
    // 6 M characters: 18 MB in EntrySizes' bound (3 a character), a deadline of 200 ms + 1.072 s.
    lead.appendAsLeader(2, List.of(new LogEntry(6, 2, 1_000,
        new Publish("t", "alice", "m1", "x".repeat(6_000_000), "", Map.of()))));
    long sent = System.nanoTime();
    replicator.wake();
    assertEquals(3, wire.appends.size());
    Append large = wire.appends.get(2);
    assertEquals(6, large.lastSeq());
    assertEquals(0, large.leaseMillis(), "an append with a longer deadline grants no lease");

    // Past the heartbeat's lease (0.9 s on the follower, from before the large append went).
    tickUntil(sent + TimeUnit.MILLISECONDS.toNanos(1_050));
    assertTrue(follower.holdsLease(), "the follower lost its lease while writing the append");
    assertFalse(replicator.showsOrCannotServe(6), "the leader must count the lease as held");
    assertTrue(wire.contacts().stream().anyMatch(c -> c.leaseMillis() > 0 && c.epoch() == 2));
    // Past the count of the heartbeat's lease (sent just before, its deadline 200 ms, 1 s lease),
    // and past the last contact that may grant one (1.272 s - 100 ms): only the contacts' grants
    // keep the leader counting the lease the follower still holds.
    tickUntil(sent + TimeUnit.MILLISECONDS.toNanos(1_300));
    assertTrue(follower.holdsLease());
    assertFalse(replicator.showsOrCannotServe(6), "the leader forgot a lease a contact granted");

    // The append's deadline (1.272 s) has passed and it is still unanswered: no more leases.
    // The last contact lease went before 1.172 s: held on the follower at most until 2.072 s,
    // counted by the leader at most until 1.172 + 0.1 + 1 = 2.272 s.
    tickUntil(sent + TimeUnit.MILLISECONDS.toNanos(2_500));
    assertFalse(follower.holdsLease(), "a follower stuck in its append keeps its lease");
    assertTrue(replicator.showsOrCannotServe(6), "a logout would wait for it for ever");
    List<Contact> contacts = wire.contacts();
    assertEquals(0, contacts.get(contacts.size() - 1).leaseMillis());

    wire.deliver(2); // it finally answers: appends grant leases again
    Thread.sleep(20);
    replicator.tick();
    assertEquals(4, wire.appends.size());
    assertTrue(wire.appends.get(3).leaseMillis() > 0);
    wire.deliver(3);
    assertTrue(follower.holdsLease());
  }

  @Test
  void contactsBesideAnAppendOfUsualSize_grantNoLease() throws Exception {
    lead.appendAsLeader(2, List.of(new LogEntry(6, 2, 1_000, new StartEpoch())));
    long sent = System.nanoTime();
    replicator.wake();
    assertEquals(3, wire.appends.size());

    tickUntil(sent + TimeUnit.MILLISECONDS.toNanos(1_100));
    assertFalse(wire.contacts().isEmpty(), "no contact went beside the unanswered append");
    assertTrue(wire.contacts().stream().allMatch(c -> c.leaseMillis() == 0),
        "a contact renewed the lease of a follower slow with an append of usual size");
    assertFalse(follower.holdsLease());
  }
}
