package org.quipu.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.Command;

/**
 * The leader's side of the write path. Callers {@link #submit} commands from any thread; one
 * proposer thread takes everything that has queued up (up to {@code maxBatch}), stamps it with
 * sequence numbers, its epoch and one timestamp, and appends it to the {@link CommandLog} — one
 * durable write for the whole batch. The {@link QuorumTracker} then says how far the log is
 * committed, and committed batches go to the {@link Applier}, which answers their callers.
 *
 * <p>The proposer never touches the state: validation happens when the applier applies a
 * committed entry. If an append fails, the batch's callers get {@link NotCommittedException} and
 * nothing is applied; the proposer then asks the log how far it really got (an append whose commit
 * was acknowledged by the database but not seen here is committed after all) and carries on from
 * there. It proposes only while {@link Leadership} grants it an epoch.
 */
public final class Proposer implements Leadership.Listener, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Proposer.class.getName());
  private static final long RECOVERY_RETRY_MILLIS = 500;

  private record Pending(Command command, CompletableFuture<Committed> result) {
    void fail(String why) {
      result.completeExceptionally(new NotCommittedException(why));
    }
  }

  /** Appended, not yet known to be committed. */
  private record Appended(Applier.Batch batch, long lastSeq) {}

  private final String self;
  private final CommandLog log;
  private final Applier applier;
  private final LongSupplier clock;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Deque<Appended> uncommitted = new ArrayDeque<>();
  private final Thread thread;
  private volatile long epoch; // 0 while not leading
  private volatile Consumer<Throwable> onDeath = died -> { };
  private volatile boolean dead;
  private volatile QuorumTracker tracker;
  private volatile boolean appending = true;
  private volatile boolean closed;
  private long lastSeq;
  private long lastTimestamp;

  public Proposer(String self, CommandLog log, Applier applier, LongSupplier clock, int maxBatch) {
    this.self = self;
    this.log = log;
    this.applier = applier;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.thread = new Thread(this::run, "quipu-proposer");
    this.thread.setDaemon(true);
  }

  /** Starts after recovery, from the last durable entry of the log. */
  void start(long lastDurableSeq, long lastDurableTimestamp) {
    this.lastSeq = lastDurableSeq;
    this.lastTimestamp = lastDurableTimestamp;
    thread.start();
  }

  /** True while this node leads and its log accepts appends. */
  public boolean proposing() {
    return epoch != 0 && appending && !closed && !dead;
  }

  /** Told, on the dying thread, if the proposer thread dies of anything. */
  void onDeath(Consumer<Throwable> handler) {
    this.onDeath = handler;
  }

  /** Queues a command; the future completes once it is committed and applied, or fails. */
  public CompletableFuture<Committed> submit(Command command) {
    CompletableFuture<Committed> result = new CompletableFuture<>();
    if (!proposing()) {
      result.completeExceptionally(
          new NotCommittedException("this node cannot accept writes right now"));
      return result;
    }
    queue.add(new Pending(command, result));
    return result;
  }

  @Override
  public synchronized void onGranted(long newEpoch) {
    // Everything in the log before this epoch's first entry is committed through that entry.
    tracker = new QuorumTracker(Set.of(self), lastSeq + 1, lastSeq);
    epoch = newEpoch;
    LOG.info("leading epoch " + newEpoch + " from seq " + lastSeq);
  }

  @Override
  public void onRevoked() {
    epoch = 0;
    failQueued("this node stopped leading");
  }

  @Override
  public void close() {
    closed = true;
    epoch = 0;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued("the node is shutting down");
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    try {
      while (!closed) {
        batch.clear();
        Pending first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        propose(batch);
      }
    } catch (InterruptedException shutdown) {
      Thread.currentThread().interrupt();
    } catch (Throwable died) { // NOPMD: a dead proposer must be noticed, whatever killed it
      dead = true;
      LOG.log(Level.SEVERE, "the proposer died; this node can no longer take writes", died);
      failQueued("this node can no longer take writes");
      onDeath.accept(died);
    } finally {
      batch.forEach(p -> p.fail("the node is shutting down"));
    }
  }

  private void propose(List<Pending> batch) throws InterruptedException {
    long stampEpoch = epoch;
    if (stampEpoch == 0) {
      batch.forEach(p -> p.fail("this node stopped leading"));
      return;
    }
    long timestamp = Math.max(clock.getAsLong(), lastTimestamp);
    List<LogEntry> entries = new ArrayList<>(batch.size());
    List<CompletableFuture<Committed>> callers = new ArrayList<>(batch.size());
    long seq = lastSeq;
    for (Pending p : batch) {
      entries.add(new LogEntry(++seq, stampEpoch, timestamp, p.command()));
      callers.add(p.result());
    }
    long start = System.nanoTime();
    try {
      log.append(entries);
    } catch (StoreUnavailableException | RuntimeException failed) {
      LOG.log(Level.WARNING, "batch of " + batch.size() + " not appended", failed);
      appending = false;
      batch.forEach(p -> p.fail("the log is unavailable"));
      failQueued("the log is unavailable");
      recoverAppendPosition();
      return;
    }
    lastSeq = seq;
    lastTimestamp = timestamp;
    uncommitted.addLast(new Appended(new Applier.Batch(entries, callers, System.nanoTime() - start), seq));
    long commitSeq = tracker.durable(self, lastSeq);
    while (!uncommitted.isEmpty() && uncommitted.peekFirst().lastSeq() <= commitSeq) {
      applier.committed(uncommitted.pollFirst().batch());
    }
  }

  /**
   * After a failed append the log may still hold it (the database committed, the answer was
   * lost). Those entries are durable, hence committed on one node: they are applied without
   * callers, whose clients already got a 503 and retry with their idempotency keys.
   */
  private void recoverAppendPosition() throws InterruptedException {
    while (!closed) {
      try {
        long durable = log.lastSeq();
        while (durable > lastSeq) {
          List<LogEntry> found = log.entriesAfter(lastSeq, 1_000);
          applier.committed(Applier.Batch.recovered(found));
          LogEntry last = found.get(found.size() - 1);
          lastSeq = last.seq();
          lastTimestamp = Math.max(lastTimestamp, last.timestampMillis());
        }
        tracker.durable(self, lastSeq);
        appending = true;
        LOG.info("the log accepts appends again after seq " + lastSeq);
        return;
      } catch (StoreUnavailableException | RuntimeException stillDown) {
        LOG.fine("log still unavailable: " + stillDown.getMessage());
        Thread.sleep(RECOVERY_RETRY_MILLIS);
      }
    }
  }

  private void failQueued(String why) {
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(p -> p.fail(why));
  }
}
