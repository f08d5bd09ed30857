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
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.state.Role;
import org.quipu.replication.SimulatedCluster.SimNode;

/**
 * What the write path tells a {@link ReplicationObserver} and shows through its accessors (the
 * figures behind the node's replication metrics), on a group of three over the simulated network:
 * each figure is checked against what the group really did.
 */
class ReplicationObserverTest {

  /** Records everything it is told; safe from any thread. */
  private static final class Recorder implements ReplicationObserver {
    final LongAdder committedBatches = new LongAdder();
    final LongAdder committedEntries = new LongAdder();
    final Queue<Long> commitNanos = new ConcurrentLinkedQueue<>();
    final Map<String, LongAdder> appends = new ConcurrentHashMap<>();
    final Map<String, LongAdder> entriesSent = new ConcurrentHashMap<>();
    final LongAdder forwarded = new LongAdder();
    final LongAdder forwardsFailed = new LongAdder();

    @Override
    public void quorumCommitted(int entries, long nanosSinceAppended) {
      committedBatches.increment();
      committedEntries.add(entries);
      commitNanos.add(nanosSinceAppended);
    }

    @Override
    public void appendSent(String follower, int entries) {
      appends.computeIfAbsent(follower, f -> new LongAdder()).increment();
      entriesSent.computeIfAbsent(follower, f -> new LongAdder()).add(entries);
    }

    @Override
    public void forwarded() {
      forwarded.increment();
    }

    @Override
    public void forwardFailed() {
      forwardsFailed.increment();
    }

    long sent(String follower) {
      LongAdder n = entriesSent.get(follower);
      return n == null ? 0 : n.sum();
    }

    long appendsTo(String follower) {
      LongAdder n = appends.get(follower);
      return n == null ? 0 : n.sum();
    }
  }

  private SimulatedCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private SimulatedCluster start(long seed) {
    return new SimulatedCluster(3, seed, (members, s) -> new SimulatedNetwork(s));
  }

  private static RegisterUser user(String name) {
    return new RegisterUser(name, "h", Role.USER);
  }

  private static void commit(SimNode leader, String prefix, int count) throws Exception {
    List<CompletableFuture<Committed>> writes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      writes.add(leader.submit(user(prefix + i)));
    }
    for (CompletableFuture<Committed> w : writes) {
      w.get(10, TimeUnit.SECONDS);
    }
  }

  private Map<String, Recorder> observeAll() {
    Map<String, Recorder> recorders = new ConcurrentHashMap<>();
    for (SimNode n : cluster.members.values()) {
      Recorder r = new Recorder();
      n.writes.observeReplication(r);
      recorders.put(n.id, r);
    }
    return recorders;
  }

  @Test
  void leaderCommittingWrites_reportsEveryEntryCommittedByAQuorum_andOnlyOnTheLeader()
      throws Exception {
    cluster = start(21);
    Map<String, Recorder> seen = observeAll();
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);

    commit(leader, "u", 200);

    Recorder onLeader = seen.get("n1");
    int logged = leader.log.entries.size(); // the epoch-start entry and the 200 writes
    assertEquals(201, logged);
    await().atMost(5, TimeUnit.SECONDS).until(() -> onLeader.committedEntries.sum() == logged);
    assertEquals(onLeader.committedBatches.sum(), onLeader.commitNanos.size());
    assertTrue(onLeader.commitNanos.stream().allMatch(n -> n >= 0), "a negative latency");
    assertTrue(onLeader.committedBatches.sum() < 200, "writes were committed in batches");
    for (String follower : List.of("n2", "n3")) {
      assertTrue(onLeader.sent(follower) >= logged, "every entry went to " + follower);
      assertTrue(onLeader.appendsTo(follower) < logged, "appends to " + follower + " batch");
      Recorder onFollower = seen.get(follower);
      assertEquals(0, onFollower.committedBatches.sum(), follower + " does not commit");
      assertEquals(0, onFollower.appends.size(), follower + " sends no appends");
    }
  }

  @Test
  void aBatchTheFollowersAcknowledgeLate_reportsTheWaitAsItsQuorumCommitLatency()
      throws Exception {
    cluster = start(22);
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);
    Recorder seen = new Recorder();
    leader.writes.observeReplication(seen);

    cluster.network.block((from, to, request) -> request instanceof Append a
        && !a.entries().isEmpty());
    CompletableFuture<Committed> write = leader.submit(user("late"));
    Thread.sleep(150);
    assertFalse(write.isDone(), "committed while no follower could hold it");
    cluster.network.block((from, to, request) -> false);
    write.get(5, TimeUnit.SECONDS);

    // (The epoch-start entry's report may arrive after the observer was added: look for the write.)
    await("a quorum commit latency of at least the 150 ms the followers took")
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> seen.commitNanos.stream().anyMatch(n -> n >= 150_000_000L));
  }

  @Test
  void followerLag_growsWhileAFollowerIsCutOff_andReturnsToZeroOnceItCatchesUp()
      throws Exception {
    cluster = start(23);
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);
    commit(leader, "before", 5);
    await().atMost(5, TimeUnit.SECONDS)
        .until(() -> leader.writes.followerLag().equals(Map.of("n2", 0L, "n3", 0L)));

    cluster.network.isolate("n3", cluster.ids());
    commit(leader, "while-cut-off", 10);

    await().atMost(5, TimeUnit.SECONDS)
        .until(() -> leader.writes.followerLag().get("n2") == 0L);
    assertEquals(10L, leader.writes.followerLag().get("n3"), "n3 lacks the 10 writes");
    assertEquals(Map.of(), cluster.node("n2").writes.followerLag(), "a follower has no followers");

    cluster.network.heal();
    await().atMost(5, TimeUnit.SECONDS)
        .until(() -> leader.writes.followerLag().equals(Map.of("n2", 0L, "n3", 0L)));
  }

  @Test
  void aWriteSubmittedOnAFollower_countsOneForwardedWrite_andAFailedOneWhenTheLeaderRefuses()
      throws Exception {
    cluster = start(24);
    Map<String, Recorder> seen = observeAll();
    SimNode leader = cluster.node("n1");
    cluster.electAndWait(leader);
    SimNode follower = cluster.node("n3");
    await().atMost(5, TimeUnit.SECONDS)
        .until(() -> "n1".equals(follower.writes.replica().leaderId()));

    follower.submit(user("via-follower")).get(5, TimeUnit.SECONDS);

    assertEquals(1, seen.get("n3").forwarded.sum());
    assertEquals(0, seen.get("n3").forwardsFailed.sum());
    assertEquals(0, seen.get("n1").forwarded.sum(), "the leader commits it, it forwards nothing");

    leader.leadership.revoke(); // n3 still takes n1 for the leader; n1 refuses the write
    var refused = assertThrows(ExecutionException.class,
        () -> follower.submit(user("refused")).get(5, TimeUnit.SECONDS));
    assertInstanceOf(NotCommittedException.class, refused.getCause());

    assertEquals(2, seen.get("n3").forwarded.sum());
    assertEquals(1, seen.get("n3").forwardsFailed.sum());
  }

  @Test
  void promisedEpoch_isTheLatestEpochOnEveryMember_andOnlyTheLeaderLeadsIt() throws Exception {
    cluster = start(25);
    cluster.electAndWait(cluster.node("n1"));
    long second = cluster.electAndWait(cluster.node("n2"));

    await().atMost(5, TimeUnit.SECONDS).until(() -> cluster.members.values().stream()
        .allMatch(n -> n.writes.promisedEpoch() == second));
    assertEquals(second, cluster.node("n2").writes.leadingEpoch());
    await().atMost(5, TimeUnit.SECONDS).until(() -> cluster.node("n1").writes.leadingEpoch() == 0);
    assertEquals(0, cluster.node("n3").writes.leadingEpoch());
  }
}
