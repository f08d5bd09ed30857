package org.quipu.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;
import org.quipu.core.state.Outcome;

/**
 * Applies committed entries to this node's state, in sequence order: {@code Broker.apply} under the
 * state's write lock, then the batch's changes with the new applied sequence number in one {@link
 * StateStore} transaction, then the callers are answered and the observers told. Only committed
 * entries ever reach it, so a reader never sees a write that a failure could still erase.
 *
 * <p>The applier's verdict is the answer: validation and authorisation happen here, identically on
 * every node. If the state store refuses a batch, the applier retries the same changes until it
 * accepts them (the entries are safe in the log meanwhile) and the node is not ready until then.
 * A thread that dies of anything else is reported to the death handler, and the node is no
 * longer healthy.
 */
public final class Applier implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Applier.class.getName());
  private static final long RETRY_MILLIS = 500;
  /** At most this many committed batches go into one state-store transaction. */
  private static final int MAX_BATCHES_PER_WRITE = 64;

  /** Committed entries, with the callers waiting for them where this node proposed them. */
  record Batch(List<LogEntry> entries, List<CompletableFuture<Committed>> callers, long appendNanos) {
    static Batch recovered(List<LogEntry> entries) {
      return new Batch(entries, List.of(), 0);
    }

    /**
     * Consecutive batches as one: the applier writes whatever has been committed while it was
     * busy in one state-store transaction (group commit at this stage too), instead of falling
     * further behind one small transaction at a time. A recovered batch has no callers: its slots
     * are filled with futures nobody waits for, so entries and callers stay index for index.
     */
    static Batch joined(List<Batch> batches) {
      List<LogEntry> entries = new ArrayList<>();
      List<CompletableFuture<Committed>> callers = new ArrayList<>();
      long nanos = 0;
      for (Batch b : batches) {
        entries.addAll(b.entries());
        if (b.callers().isEmpty()) {
          b.entries().forEach(e -> callers.add(new CompletableFuture<>()));
        } else {
          callers.addAll(b.callers());
        }
        nanos += b.appendNanos();
      }
      return new Batch(entries, callers, nanos);
    }
  }

  private final StateStore store;
  private final ReplicaState state;
  private final Executor answers;
  private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final List<CommitObserver> observers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean stalled;
  private volatile Throwable failure;
  private volatile Consumer<Throwable> onDeath = died -> { };

  /** @param answers runs the callers' continuations, off the applier thread */
  public Applier(StateStore store, ReplicaState state, Executor answers) {
    this.store = store;
    this.state = state;
    this.answers = answers;
    this.thread = new Thread(this::run, "quipu-applier");
    this.thread.setDaemon(true);
  }

  /** Told, on the dying thread, if the applier thread dies of anything. */
  void onDeath(Consumer<Throwable> handler) {
    this.onDeath = handler;
  }

  public void observe(CommitObserver observer) {
    observers.add(observer);
  }

  /**
   * Loads the state tables into memory, before anything else runs, and returns their applied seq.
   * The log after it is not applied here: its entries are not known to be committed until a
   * leader says so (a new leader commits them through its epoch-start entry; a follower learns the
   * commit point from its leader).
   */
  long restore() throws StoreUnavailableException {
    Broker restored = new Broker();
    long applied = store.restore(restored);
    state.replace(restored, applied);
    LOG.info("state restored at seq " + applied);
    return applied;
  }

  void start() {
    thread.start();
  }

  /** Queues committed entries; they follow the last queued ones without a gap. */
  void committed(Batch batch) {
    queue.add(batch);
  }

  /** False while the state store refuses writes or after the applier thread died. */
  public boolean healthy() {
    return !stalled && failure == null;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Batch> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(b -> b.callers().forEach(c ->
        c.completeExceptionally(new NotCommittedException("the node is shutting down"))));
  }

  private void run() {
    List<Batch> waiting = new ArrayList<>();
    try {
      while (!closed) {
        waiting.clear();
        waiting.add(queue.take());
        queue.drainTo(waiting, MAX_BATCHES_PER_WRITE - 1);
        applyNow(waiting.size() == 1 ? waiting.get(0) : Batch.joined(waiting));
      }
    } catch (InterruptedException shutdown) {
      Thread.currentThread().interrupt();
    } catch (Throwable died) { // NOPMD: a dead applier must be noticed, whatever killed it
      failure = died;
      LOG.log(Level.SEVERE, "the applier died; this node can no longer apply the log", died);
      // Their entries may be committed: the outcome is unknown, so 503 and a retry with the key.
      queue.drainTo(waiting);
      waiting.forEach(b -> b.callers().forEach(c -> c.completeExceptionally(
          new NotCommittedException("this node can no longer apply the log"))));
      onDeath.accept(died);
    }
  }

  private void applyNow(Batch batch) throws InterruptedException {
    List<LogEntry> entries = batch.entries();
    List<Outcome> outcomes = new ArrayList<>(entries.size());
    List<Change> changes = new ArrayList<>();
    state.withWriteLock(() -> {
      Broker broker = state.brokerForWriter();
      for (LogEntry e : entries) {
        outcomes.add(broker.apply(e.seq(), e.timestampMillis(), e.command(), changes));
      }
    });
    LogEntry last = entries.get(entries.size() - 1);
    writeUntilStored(changes, last);
    state.advance(last.seq(), queuesWithNewMessages(changes));
    for (int i = 0; i < batch.callers().size(); i++) {
      CompletableFuture<Committed> caller = batch.callers().get(i);
      Committed committed = new Committed(entries.get(i).seq(), outcomes.get(i));
      answers.execute(() -> caller.complete(committed));
    }
    for (CommitObserver observer : observers) {
      try {
        observer.committed(entries, outcomes, batch.appendNanos());
      } catch (RuntimeException e) {
        // An observer (metrics) must never stop the write path; it is logged, not rethrown.
        LOG.log(Level.WARNING, "commit observer failed", e);
      }
    }
  }

  /**
   * The entries are committed: their changes must reach the tables, however long that takes. A
   * transaction is all or nothing, so after a failure the tables' applied seq says whether the
   * last attempt landed (its answer lost with the connection); writing it again would insert the
   * same rows twice and be refused for ever.
   */
  private void writeUntilStored(List<Change> changes, LogEntry last) throws InterruptedException {
    boolean retrying = false;
    while (true) {
      try {
        if (!retrying || store.appliedSeq() < last.seq()) {
          store.apply(changes, last.seq(), last.epoch());
        } else {
          LOG.info("state store already held seq " + last.seq() + "; its answer was lost");
        }
        stalled = false;
        return;
      } catch (StoreUnavailableException | RuntimeException refused) {
        retrying = true;
        if (!stalled) {
          LOG.log(Level.WARNING, "state store refused seq " + last.seq() + "; retrying", refused);
        }
        stalled = true;
        if (closed) {
          throw new InterruptedException("closed while the state store was refusing writes");
        }
        Thread.sleep(RETRY_MILLIS);
      }
    }
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
}
