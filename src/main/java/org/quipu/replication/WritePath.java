package org.quipu.replication;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.Command;

/**
 * A node's write path, stage by stage: recovery (state tables, then the log after them), the
 * {@link Proposer} (leader: batch, stamp, append), the {@link QuorumTracker} inside it (commit
 * point) and the {@link Applier} (every node: apply committed entries in order, store, answer).
 * {@link Leadership} decides when the proposer may propose. This class only wires the stages and
 * says whether the node can take writes.
 */
public final class WritePath implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WritePath.class.getName());
  private static final long RECOVERY_RETRY_MILLIS = 500;

  private final CommandLog log;
  private final Leadership leadership;
  private final Applier applier;
  private final Proposer proposer;
  private final Thread recovery;
  private final List<Leadership.Listener> leadershipListeners = new CopyOnWriteArrayList<>();
  private volatile boolean recovered;
  private volatile Throwable died;
  private volatile Consumer<Throwable> onStageDeath = t -> { };
  private volatile boolean closed;

  /**
   * @param answers runs the callers' continuations (building and writing HTTP responses), so that
   *     the applier goes straight back to applying instead of serving them one by one
   */
  public WritePath(String nodeId, CommandLog log, StateStore store, ReplicaState state,
      Leadership leadership, LongSupplier clock, int maxBatch, Executor answers) {
    this.log = log;
    this.leadership = leadership;
    this.applier = new Applier(store, state, answers);
    this.proposer = new Proposer(nodeId, log, applier, clock, maxBatch);
    this.recovery = new Thread(this::recover, "quipu-recovery");
    applier.onDeath(this::stageDied);
    proposer.onDeath(this::stageDied);
    this.recovery.setDaemon(true);
  }

  /** Adds an observer told about every applied batch, on the applier thread. */
  public void observe(CommitObserver observer) {
    applier.observe(observer);
  }

  /**
   * Adds a listener told of leadership after the proposer (so a duty started on a grant can
   * already propose); call before {@link #start}.
   */
  public void onLeadership(Leadership.Listener listener) {
    leadershipListeners.add(listener);
  }

  /**
   * What to do when a stage thread (recovery, proposer, applier) dies of anything, an {@code
   * OutOfMemoryError} included: the node then never serves again, and the handler (the node's:
   * log and exit, so that it is restarted) runs on the dying thread. Call before {@link #start}.
   */
  public void onStageDeath(Consumer<Throwable> handler) {
    this.onStageDeath = handler;
  }

  private void stageDied(Throwable cause) {
    died = cause;
    onStageDeath.accept(cause);
  }

  /** Recovers the state in the background, then starts applying and, when granted, proposing. */
  public void start() {
    recovery.start();
  }

  /** True once recovered, while this node may propose and its applier keeps up. */
  public boolean serving() {
    return died == null && recovered && proposer.proposing() && applier.healthy();
  }

  /** Queues a command; the future completes once it is committed and applied, or fails. */
  public CompletableFuture<Committed> submit(Command command) {
    if (died != null) {
      return CompletableFuture.failedFuture(
          new NotCommittedException("this node can no longer take writes"));
    }
    if (!recovered) {
      return CompletableFuture.failedFuture(
          new NotCommittedException("this node is still recovering its state"));
    }
    return proposer.submit(command);
  }

  @Override
  public void close() {
    closed = true;
    recovery.interrupt();
    proposer.close();
    applier.close();
  }

  private void recover() {
    try {
      while (!closed) {
        try {
          LogEntry last = applier.recover(log);
          long lastSeq = log.lastSeq();
          proposer.start(lastSeq, last == null ? 0 : last.timestampMillis());
          applier.start();
          recovered = true;
          leadership.start(new Leadership.Listener() {
            @Override
            public void onGranted(long epoch) {
              proposer.onGranted(epoch);
              leadershipListeners.forEach(l -> l.onGranted(epoch));
            }

            @Override
            public void onRevoked() {
              proposer.onRevoked(); // first: nothing more is proposed in the old epoch
              leadershipListeners.forEach(Leadership.Listener::onRevoked);
            }
          });
          return;
        } catch (StoreUnavailableException | RuntimeException unavailable) {
          LOG.warning("cannot recover the state yet: " + unavailable.getMessage());
          Thread.sleep(RECOVERY_RETRY_MILLIS);
        }
      }
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } catch (Throwable fatal) { // NOPMD: e.g. the state does not fit in the heap
      LOG.log(Level.SEVERE, "recovery died; this node cannot serve", fatal);
      stageDied(fatal);
    }
  }
}
