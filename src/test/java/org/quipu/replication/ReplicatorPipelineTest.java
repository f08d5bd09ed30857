package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quipu.core.command.StartEpoch;

/**
 * One {@link Replicator} with a window of four against a real follower {@link ReplicaLog}, over a
 * wire that delivers the appends in the order the test chooses: reordered, refused and stale
 * answers, then compaction, must never make the leader send a snapshot that drops entries the
 * follower acknowledged (the quorum counts them).
 */
class ReplicatorPipelineTest {

  private static List<LogEntry> entries(long fromSeq, long epoch, int count) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new LogEntry(fromSeq + i, epoch, 1_000, new StartEpoch()));
    }
    return out;
  }

  /** Appends are held until the test delivers them to the follower, in the order it chooses. */
  static class Wire implements ReplicationTransport {
    final ReplicaLog follower;
    final List<Append> appends = new ArrayList<>();
    final List<CompletableFuture<AppendReply>> replies = new ArrayList<>();
    final List<SnapshotChunk> chunks = new ArrayList<>();

    Wire(ReplicaLog follower) {
      this.follower = follower;
    }

    synchronized void deliver(int i) throws Exception {
      replies.get(i).complete(follower.append(appends.get(i)));
    }

    @Override
    public synchronized CompletableFuture<AppendReply> append(String m, Append a, Duration d) {
      appends.add(a);
      CompletableFuture<AppendReply> f = new CompletableFuture<>();
      replies.add(f);
      return f;
    }

    @Override
    public CompletableFuture<SnapshotReceived> installSnapshot(String m, SnapshotChunk c,
        Duration d) {
      synchronized (this) {
        chunks.add(c);
      }
      return CompletableFuture.supplyAsync(() -> {
        try {
          return follower.installSnapshot(c);
        } catch (StoreUnavailableException e) {
          throw new IllegalStateException(e);
        }
      });
    }

    @Override
    public CompletableFuture<Promise> newEpoch(String m, NewEpoch r, Duration d) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Fetched> fetch(String m, Fetch r, Duration d) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Contacted> contact(String m, Contact r, Duration d) {
      return new CompletableFuture<>();
    }
  }

  @Test
  void aStaleAcceptanceAfterAReorderedRefusal_movesTheNextAppendPastIt_andNoSnapshotDropsIt(
      @TempDir Path dir) throws Exception {
    // The leader, epoch 2, log 1..300, applied to 190.
    ReplicaState leadState = new ReplicaState();
    InMemoryStateStore leadStore = new InMemoryStateStore();
    Applier leadApplier = new Applier(leadStore, leadState, Runnable::run);
    ReplicaLog lead = ReplicaLog.open("n1", 0, new InMemoryCommandLog(),
        new InMemoryPromiseStore(), leadApplier, leadState);
    leadApplier.start();
    lead.promiseOwn(2);
    lead.appendAsLeader(2, entries(1, 2, 300));
    lead.commitTo(190);
    leadState.whenApplied(190).get(5, TimeUnit.SECONDS);

    // The follower holds 1..100 of them.
    ReplicaState folState = new ReplicaState();
    Applier folApplier = new Applier(new InMemoryStateStore(), folState, Runnable::run);
    InMemoryCommandLog folLog = new InMemoryCommandLog();
    folLog.append(entries(1, 2, 100));
    ReplicaLog follower = ReplicaLog.open("n2", 0, folLog, new InMemoryPromiseStore(),
        folApplier, folState);
    follower.takeSnapshots(dir.resolve("in"), (in, at, first) -> in.readAllBytes());

    ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
    SnapshotSource snapshots = new SnapshotSource(leadStore, dir.resolve("out"),
        lead::lastTimestamp, Executors.newSingleThreadExecutor());
    ReplicationSettings settings = new ReplicationSettings(Duration.ofSeconds(10),
        Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(30), 50,
        Duration.ofMillis(400), 4);
    Wire wire = new Wire(follower);
    LeaderTerm term = new LeaderTerm("n1", 0, 2, Set.of("n1", "n2", "n3"), lead, wire, settings,
        timer, (t, why) -> { }, ReplicationObserver.NONE, snapshots);
    Replicator r = new Replicator("n2", 101, term, lead, wire, settings, timer, 0,
        ReplicationObserver.NONE, snapshots);

    r.wake();
    assertEquals(1, wire.appends.size(), "one probe");
    wire.deliver(0); // A1 101..150 accepted: the pipeline opens, A2..A4 go out at once
    assertEquals(4, wire.appends.size());
    assertEquals(250, wire.appends.get(3).prevSeq());

    wire.deliver(2); // A3 overtakes A2: MISMATCH, the pipeline resets to 151
    wire.deliver(1); // A2 arrives: accepted (stale) — matchSeq 200, pinned at 200
    // The compactor (WritePath.startCompacting, retain 20): min(190 - 20, pin 200) = 170
    long upTo = Math.min(190 - 20, snapshots.compactionLimit());
    assertEquals(170, upTo);
    lead.compactTo(upTo);
    wire.deliver(3); // A4: refused (stale, ignored); nothing is in flight any more

    // The refusal reset the pipeline to 151, but n2 acknowledged 200: the next append starts
    // after 200, inside the log (base 170), so n2 needs no snapshot. Before the fix it was sent
    // the snapshot at 190 and its acknowledged 191..200 were gone.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (wire.appends.size() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(10);
      r.wake();
    }
    assertEquals(200, r.matchSeq(), "the leader counts n2 as holding 200");
    assertTrue(wire.chunks.isEmpty(), "a snapshot was sent: " + wire.chunks);
    assertEquals(200, wire.appends.get(4).prevSeq(), "the probe after the refusal");
    wire.deliver(4);
    assertTrue(follower.lastSeq() >= 200, "n2 holds up to " + follower.lastSeq());
    timer.shutdownNow();
    leadApplier.close();
    folApplier.close();
  }
}
