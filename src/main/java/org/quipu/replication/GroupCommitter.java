package org.quipu.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.Command;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;
import org.quipu.core.state.Outcome;

/**
 * The leader's write path. Callers {@link #submit} commands from any thread; one committer thread
 * takes everything that has queued up (up to {@code maxBatch}), stamps it with sequence numbers,
 * the epoch and one timestamp, applies it to the state machine and appends it with its changes in
 * one store transaction — one fsync for the whole batch — and only then answers the callers.
 *
 * <p>If the store fails, the batch's callers get {@link NotCommittedException} and the in-memory
 * state, which may now be ahead of the database, is thrown away and restored from the store
 * before anything else is accepted. The store is the truth; memory is its index.
 */
public final class GroupCommitter implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(GroupCommitter.class.getName());
  private static final long RESTORE_RETRY_MILLIS = 500;

  private final LogStore store;
  private final ReplicaState state;
  private final LongSupplier clock;
  private final long epoch;
  private final int maxBatch;
  private final Executor answers;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<CommitObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean serving;
  private volatile boolean closed;
  private long lastSeq;
  private long lastTimestamp;

  /**
   * @param answers runs the callers' continuations (building and writing HTTP responses), so that
   *     the committer thread goes straight back to committing instead of serving them one by one
   */
  public GroupCommitter(
      LogStore store, ReplicaState state, LongSupplier clock, long epoch, int maxBatch,
      Executor answers) {
    this.store = store;
    this.answers = answers;
    this.state = state;
    this.clock = clock;
    this.epoch = epoch;
    this.maxBatch = maxBatch;
    this.thread = new Thread(this::run, "quipu-group-commit");
    this.thread.setDaemon(true);
  }

  /** Adds an observer told about every committed batch, on the committer thread. */
  public void observe(CommitObserver observer) {
    observers.add(observer);
  }

  /** Restores the state from the store and starts committing. */
  public void start() {
    thread.start();
  }

  /** True once the state is restored and the store accepted the last batch. */
  public boolean serving() {
    return serving;
  }

  /** Queues a command; the future completes once it is durable and applied, or fails. */
  public CompletableFuture<Committed> submit(Command command) {
    CompletableFuture<Committed> result = new CompletableFuture<>();
    if (closed || !serving) {
      result.completeExceptionally(
          new NotCommittedException("this node cannot accept writes right now"));
      return result;
    }
    queue.add(new Pending(command, result));
    return result;
  }

  @Override
  public void close() {
    closed = true;
    serving = false;
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
      restoreUntilDone();
      while (!closed) {
        batch.clear();
        Pending first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        commit(batch);
      }
    } catch (InterruptedException shutdown) {
      Thread.currentThread().interrupt();
    } finally {
      batch.forEach(p -> p.fail("the node is shutting down"));
    }
  }

  private void commit(List<Pending> batch) throws InterruptedException {
    long timestamp = Math.max(clock.getAsLong(), lastTimestamp);
    List<LogEntry> entries = new ArrayList<>(batch.size());
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    List<Change> changes = new ArrayList<>();
    long seqBefore = lastSeq;
    state.withWriteLock(() -> {
      Broker broker = state.brokerForWriter();
      long seq = seqBefore;
      for (Pending p : batch) {
        seq++;
        entries.add(new LogEntry(seq, epoch, timestamp, p.command));
        outcomes.add(broker.apply(seq, timestamp, p.command, changes));
      }
    });
    long appendStart = System.nanoTime();
    try {
      store.append(entries, changes);
    } catch (LogStore.StoreUnavailableException | RuntimeException failed) {
      LOG.log(Level.WARNING, "batch of " + batch.size() + " not committed; restoring state", failed);
      serving = false;
      batch.forEach(p -> p.fail("the store is unavailable"));
      failQueued("the store is unavailable");
      restoreUntilDone();
      return;
    }
    lastSeq = entries.get(entries.size() - 1).seq();
    lastTimestamp = timestamp;
    state.advance(lastSeq, queuesWithNewMessages(changes));
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture<Committed> result = batch.get(i).result;
      Committed committed = new Committed(entries.get(i).seq(), outcomes.get(i));
      answers.execute(() -> result.complete(committed));
    }
    long appendNanos = System.nanoTime() - appendStart;
    for (CommitObserver observer : observers) {
      try {
        observer.committed(entries, outcomes, appendNanos);
      } catch (RuntimeException e) {
        // An observer (metrics) must never stop the write path; it is logged, not rethrown.
        LOG.log(Level.WARNING, "commit observer failed", e);
      }
    }
  }

  private void restoreUntilDone() throws InterruptedException {
    while (!closed) {
      try {
        Broker restored = new Broker();
        long applied = store.restore(restored);
        state.replace(restored, applied);
        lastSeq = applied;
        serving = true;
        LOG.info("state restored at seq " + applied);
        return;
      } catch (LogStore.StoreUnavailableException | RuntimeException unavailable) {
        LOG.warning("cannot restore state yet: " + unavailable.getMessage());
        Thread.sleep(RESTORE_RETRY_MILLIS);
      }
    }
  }

  private void failQueued(String why) {
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(p -> p.fail(why));
  }

  private static Set<String> queuesWithNewMessages(List<Change> changes) {
    Set<String> queues = new HashSet<>();
    for (Change change : changes) {
      if (change instanceof Change.MessageInserted inserted) {
        queues.add(inserted.message().queue());
      } else if (change instanceof Change.MessageUpdated updated && !updated.message().leased()) {
        queues.add(updated.message().queue());
      }
    }
    return queues;
  }

  private record Pending(Command command, CompletableFuture<Committed> result) {
    void fail(String why) {
      // rare (store outage, shutdown): completed here, not worth a hand-off
      result.completeExceptionally(new NotCommittedException(why));
    }
  }
}
