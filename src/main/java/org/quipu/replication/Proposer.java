package org.quipu.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.Command;

/**
 * The leader's side of the write path. Callers {@link #submit} commands from any thread; one
 * proposer thread takes everything that has queued up (up to {@code maxBatch}), stamps it with
 * sequence numbers, its epoch and one timestamp, and appends it to the {@link ReplicaLog} — one
 * durable write for the whole batch. Its {@link LeaderTerm} replicates the batch and, once a
 * majority holds it, hands it with its callers to the {@link Applier}, which answers them.
 *
 * <p>When {@link Leadership} grants it an epoch, the proposer thread first becomes leader (the
 * term's recovery: promises, the most advanced log, the epoch-start entry committed) and only then
 * takes writes; until then, and whenever it does not lead, {@link #submit} fails at once with
 * {@link NotCommittedException} (a 503: the client retries, with its idempotency key). It steps
 * down — failing its waiting callers — when revoked, when its term is deposed or loses contact with
 * the majority, and gives the leadership back so that another node (or itself, later) takes over.
 *
 * <p>The proposer never touches the state: validation happens when the applier applies a committed
 * entry. If an append fails, the batch's callers get {@link NotCommittedException}; the proposer
 * then asks the log how far it really got (an append whose commit was acknowledged by the database
 * but not seen here is in the log after all, and is replicated and committed without callers) and
 * carries on from there.
 */
public final class Proposer implements Leadership.Listener, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Proposer.class.getName());
  private static final long RECOVERY_RETRY_MILLIS = 500;
  private static final Pending WAKE_UP = new Pending(null, null);

  private record Pending(Command command, CompletableFuture<Committed> result) {
    void fail(String why) {
      result.completeExceptionally(new NotCommittedException(why));
    }
  }

  private final String self;
  private final int group;
  private final Set<String> members;
  private final ReplicationTransport transport;
  private final ReplicationSettings settings;
  private final ScheduledExecutorService timer;
  private final LongSupplier clock;
  private final int maxBatch;
  private final ReplicationObserver observer;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile ReplicaLog log;
  private volatile Leadership leadership;
  private volatile long granted; // the epoch Leadership granted, 0 while it does not
  private volatile LeaderTerm term; // the term being recovered or served; set by the thread
  private volatile boolean serving; // the term is recovered: writes are taken
  private volatile Consumer<Throwable> onDeath = died -> { };
  private volatile Leadership.Listener servingListener = new Leadership.Listener() {
    @Override
    public void onGranted(long epoch) { }

    @Override
    public void onRevoked() { }
  };
  private boolean toldServing; // guarded by this
  private volatile boolean dead;
  private volatile boolean appending = true;
  private volatile boolean closed;
  private volatile SnapshotSource snapshots; // null: followers are never sent a snapshot
  /** When this node last stood aside for another, null if never; the proposer thread's own. */
  private StandAside lastStoodAside;

  /**
   * @param members every member of the replication group, this node included; a majority of this
   *     set (never of the members alive) commits
   * @param observer told about quorum commits and appends to followers in every term it leads
   */
  public Proposer(String self, int group, Set<String> members, ReplicationTransport transport,
      ReplicationSettings settings, LongSupplier clock, int maxBatch,
      ReplicationObserver observer) {
    this.self = self;
    this.group = group;
    this.members = Set.copyOf(members);
    this.transport = transport;
    this.settings = settings;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.observer = observer;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-replication-timer");
      t.setDaemon(true);
      return t;
    });
    this.thread = new Thread(this::run, "quipu-proposer");
    this.thread.setDaemon(true);
  }

  /** Where the followers whose next entry the log no longer holds get their snapshots. */
  void sendSnapshotsFrom(SnapshotSource source) {
    this.snapshots = source;
  }

  /**
   * Starts after recovery, on the node's log; {@code leadership} gets the leadership back when
   * this node cannot lead the epoch it was granted.
   */
  void start(ReplicaLog replicaLog, Leadership giveBackTo) {
    this.log = replicaLog;
    this.leadership = giveBackTo;
    replicaLog.onHigherEpoch(promised -> {
      LeaderTerm current = term;
      if (current != null && promised > current.epoch()) {
        // Not on this thread: it holds the log's lock, which stepping down must not wait behind.
        timer.execute(() -> stepDown(current, "this node promised epoch " + promised));
      }
    });
    thread.start();
  }

  /** True while this node leads a recovered epoch and its log accepts appends. */
  public boolean proposing() {
    return serving && appending && !closed && !dead;
  }

  /** The epoch this node serves as leader, 0 while it does not. */
  public long servingEpoch() {
    LeaderTerm current = term;
    return serving && current != null ? current.epoch() : 0;
  }

  /** The commit point of the last term this node led or leads, 0 if it never led. */
  long commitSeq() {
    LeaderTerm current = term;
    return current == null ? 0 : current.commitSeq();
  }

  /**
   * While this node serves an epoch as leader, how many entries each follower lacks (see {@link
   * LeaderTerm#followerLag}); empty while it does not.
   */
  public Map<String, Long> followerLag() {
    LeaderTerm current = term;
    return serving && current != null && !current.closed() ? current.followerLag() : Map.of();
  }

  /**
   * Told when this node starts serving an epoch as leader (recovered: it takes writes) and when it
   * stops; call before {@link #start}.
   */
  void onServing(Leadership.Listener listener) {
    this.servingListener = listener;
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

  /**
   * Completes once the change at {@code seq}, committed in the epoch this node serves, is shown by
   * every follower or can no longer be missed by any (see {@link LeaderTerm#visibleEverywhere}).
   */
  CompletableFuture<Void> visibleEverywhere(long seq) {
    LeaderTerm current = term;
    if (current == null || current.closed()) {
      return CompletableFuture.failedFuture(new NotCommittedException(
          "this node stopped leading before the change reached every node; retry"));
    }
    return current.visibleEverywhere(seq);
  }

  @Override
  public void onGranted(long newEpoch) {
    granted = newEpoch;
    queue.add(WAKE_UP);
  }

  @Override
  public void onRevoked() {
    granted = 0;
    serving = false;
    LeaderTerm current = term;
    if (current != null) {
      current.close("this node stopped leading");
    }
    failQueued("this node stopped leading");
    queue.add(WAKE_UP);
    tellStopped();
  }

  private void tellStopped() {
    synchronized (this) {
      if (!toldServing) {
        return;
      }
      toldServing = false;
    }
    servingListener.onRevoked();
  }

  @Override
  public void close() {
    closed = true;
    granted = 0;
    serving = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LeaderTerm current = term;
    if (current != null) {
      current.close("the node is shutting down");
    }
    timer.shutdownNow();
    failQueued("the node is shutting down");
  }

  /**
   * Stops serving {@code which} term (if it is still the current one) and hands leadership back:
   * deposed, cut off from the majority, or unable to recover.
   */
  private void stepDown(LeaderTerm which, String why) {
    boolean giveBack;
    synchronized (this) {
      if (which == null || term != which || which.closed()) {
        return; // not the current term, or already stopped (revoked, or stepped down before)
      }
      serving = false;
      // Leadership is given back only if this term's epoch is still the one granted: a node granted
      // a later epoch meanwhile leads that one next (giving it back would revoke it).
      giveBack = granted == which.epoch();
      if (giveBack) {
        granted = 0;
      }
    }
    LOG.warning(self + " steps down from epoch " + which.epoch() + ": " + why);
    which.close(why);
    failQueued(why);
    tellStopped();
    if (giveBack) {
      leadership.relinquish(why);
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    try {
      while (!closed) {
        long epoch = granted;
        LeaderTerm current = term;
        if (epoch != 0 && (current == null || current.epoch() != epoch || current.closed())) {
          lead(epoch);
          continue;
        }
        batch.clear();
        Pending first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null || first == WAKE_UP) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        batch.remove(WAKE_UP);
        if (!batch.isEmpty()) {
          propose(batch);
        }
      }
    } catch (InterruptedException shutdown) {
      Thread.currentThread().interrupt();
    } catch (Throwable died) { // NOPMD: a dead proposer must be noticed, whatever killed it
      dead = true;
      LOG.log(Level.SEVERE, "the proposer died; this node can no longer take writes", died);
      failQueued("this node can no longer take writes");
      onDeath.accept(died);
    } finally {
      batch.forEach(p -> {
        if (p != WAKE_UP) {
          p.fail("the node is shutting down");
        }
      });
    }
  }

  /** Becomes leader of {@code epoch} (blocking this thread until served or given up). */
  private void lead(long epoch) throws InterruptedException {
    LeaderTerm previous = term;
    if (previous != null) {
      previous.close("this node now leads epoch " + epoch); // granted again, with a later epoch
    }
    LeaderTerm next = new LeaderTerm(self, group, epoch, members, log, transport, settings, timer,
        this::stepDown, observer, snapshots);
    term = next;
    boolean recovered;
    try {
      recovered = next.recover(Math.max(clock.getAsLong(), log.lastTimestamp()), lastStoodAside);
    } catch (StoreUnavailableException | RuntimeException failed) {
      LOG.log(Level.WARNING, self + " could not become leader of epoch " + epoch, failed);
      recovered = false;
    }
    synchronized (this) {
      if (recovered && granted == epoch && !next.closed()) {
        serving = true;
        toldServing = true;
      }
    }
    if (serving) {
      servingListener.onGranted(epoch);
      return;
    }
    Optional<StandAside> aside = next.stoodAside();
    if (aside.isPresent()) {
      lastStoodAside = aside.get();
      stepDown(next, "stands aside for " + lastStoodAside.forWhom().nodeId()
          + ", which could serve far sooner");
      return;
    }
    stepDown(next, "could not become leader of epoch " + epoch);
  }

  private void propose(List<Pending> batch) throws InterruptedException {
    LeaderTerm current = term;
    if (!serving || current == null || current.closed()) {
      batch.forEach(p -> p.fail("this node stopped leading"));
      return;
    }
    long timestamp = Math.max(clock.getAsLong(), log.lastTimestamp());
    long before = log.lastSeq();
    List<LogEntry> entries = new ArrayList<>(batch.size());
    List<CompletableFuture<Committed>> callers = new ArrayList<>(batch.size());
    long seq = before;
    for (Pending p : batch) {
      entries.add(new LogEntry(++seq, current.epoch(), timestamp, p.command()));
      callers.add(p.result());
    }
    long start = System.nanoTime();
    try {
      log.appendAsLeader(current.epoch(), entries);
    } catch (NotCommittedException deposed) {
      batch.forEach(p -> p.fail("this node stopped leading"));
      stepDown(current, deposed.getMessage());
      return;
    } catch (StoreUnavailableException | RuntimeException failed) {
      LOG.log(Level.WARNING, "batch of " + batch.size() + " not appended", failed);
      appending = false;
      batch.forEach(p -> p.fail("the log is unavailable"));
      failQueued("the log is unavailable");
      recoverAppendPosition(current, before);
      return;
    }
    current.appended(new Applier.Batch(entries, callers, System.nanoTime() - start));
  }

  /**
   * After a failed append the log may still hold it (the database committed, the answer was
   * lost). Those entries are durable here: they are replicated and committed like any others, but
   * without callers — their clients already got a 503 and retry with their idempotency keys.
   */
  private void recoverAppendPosition(LeaderTerm current, long before) throws InterruptedException {
    while (!closed) {
      try {
        long durable = log.resync();
        for (long at = before; at < durable; ) {
          List<LogEntry> found = log.entriesAfter(at, 1_000);
          current.appended(Applier.Batch.recovered(found));
          at = found.get(found.size() - 1).seq();
        }
        appending = true;
        LOG.info("the log accepts appends again after seq " + durable);
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
    left.forEach(p -> {
      if (p != WAKE_UP) {
        p.fail(why);
      }
    });
  }
}
