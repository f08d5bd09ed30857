package org.quipu.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.Command;

/**
 * A node's write path, stage by stage: recovery (the state tables), the {@link ReplicaLog} (this
 * node's log under the replication protocol's rules, serving the other members), the {@link
 * Proposer} (leader: batch, stamp, append) with its {@link LeaderTerm} (becoming leader, the
 * {@link Replicator}s, the {@link QuorumTracker}'s commit point) and the {@link Applier} (every
 * node: apply committed entries in order, store, answer). {@link Leadership} decides when the
 * proposer may propose. A node alone is a group of one, through the same code. This class only
 * wires the stages and says whether the node can take writes.
 */
public final class WritePath implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WritePath.class.getName());
  private static final long RECOVERY_RETRY_MILLIS = 500;
  /** How long a forwarded write may take at the leader before its outcome is unknown. */
  private static final Duration FORWARD_DEADLINE = Duration.ofSeconds(10);
  /** How long a follower waits to apply a forwarded write before answering anyway. */
  private static final Duration APPLIED_WAIT = Duration.ofSeconds(2);

  private final String nodeId;
  private final int group;
  private final CommandLog log;
  private final PromiseStore promises;
  private final Leadership leadership;
  private final Applier applier;
  private final Proposer proposer;
  private final Thread recovery;
  private final ReplicaState state;
  private final Forwarding forwarding;
  private final Executor answers;
  private final ReplicationObservers observers = new ReplicationObservers();
  private volatile ReplicaLog replica; // once recovered
  private final List<Leadership.Listener> leadershipListeners = new CopyOnWriteArrayList<>();
  private volatile boolean recovered;
  private volatile Throwable died;
  private volatile Consumer<Throwable> onStageDeath = t -> { };
  private volatile boolean closed;
  private final StateStore store;
  private volatile Compaction compaction; // null: the log is never compacted
  private ScheduledExecutorService compactor;
  private ExecutorService snapshotWriter;
  private SnapshotSource snapshots;

  /**
   * How the log is kept short: every so often a node drops the entries more than {@code
   * retainEntries} before what it has applied; a follower that needs them then gets a snapshot,
   * written to and received in {@code snapshotDir}.
   */
  public record Compaction(Path snapshotDir, long retainEntries, Duration every) {}

  /**
   * @param members every member of the replication group ({@code nodeId} among them)
   * @param transport how this node reaches the other members when it leads
   * @param forwarding how it hands a write to the leader when it does not lead
   * @param answers runs the callers' continuations (building and writing HTTP responses), so that
   *     the applier goes straight back to applying instead of serving them one by one
   */
  public WritePath(String nodeId, int group, Set<String> members, CommandLog log,
      PromiseStore promises, StateStore store, ReplicaState state, Leadership leadership,
      ReplicationTransport transport, Forwarding forwarding, ReplicationSettings settings,
      LongSupplier clock, int maxBatch, Executor answers) {
    this.state = state;
    this.store = store;
    this.forwarding = forwarding;
    this.nodeId = nodeId;
    this.group = group;
    this.log = log;
    this.promises = promises;
    this.leadership = leadership;
    this.answers = answers;
    this.applier = new Applier(store, state, answers);
    this.proposer = new Proposer(nodeId, group, members, transport, settings, clock, maxBatch,
        observers);
    this.recovery = new Thread(this::recover, "quipu-recovery");
    applier.onDeath(this::stageDied);
    proposer.onDeath(this::stageDied);
    proposer.onServing(new Leadership.Listener() {
      @Override
      public void onGranted(long epoch) {
        leadershipListeners.forEach(l -> l.onGranted(epoch));
      }

      @Override
      public void onRevoked() {
        leadershipListeners.forEach(Leadership.Listener::onRevoked);
      }
    });
    this.recovery.setDaemon(true);
  }

  /**
   * Compacts the log as {@code settings} say, sending snapshots to followers that need what it
   * dropped and taking them from a leader; call before {@link #start}. Without it, the log keeps
   * every entry (and this node installs no snapshot).
   */
  public void compact(Compaction settings) {
    this.compaction = settings;
    snapshotWriter = Executors.newSingleThreadExecutor(daemon("quipu-snapshot-writer"));
    snapshots = new SnapshotSource(store, settings.snapshotDir().resolve("out"), () -> {
      ReplicaLog r = replica;
      return r == null ? 0 : r.lastTimestamp();
    }, snapshotWriter);
    proposer.sendSnapshotsFrom(snapshots);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Adds an observer told about every applied batch, on the applier thread. */
  public void observe(CommitObserver observer) {
    applier.observe(observer);
  }

  /**
   * Adds an observer told, from now on, about quorum commits, appends to followers and forwarded
   * writes, on the replication threads (see {@link ReplicationObserver}); may be called any time.
   */
  public void observeReplication(ReplicationObserver observer) {
    observers.add(observer);
  }

  /**
   * Adds a listener told when this node starts serving an epoch as leader — recovered, so a duty
   * started then can propose at once — and when it stops; call before {@link #start}.
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
    ReplicaLog r = replica;
    return died == null && recovered && proposer.proposing() && applier.healthy()
        && r != null && r.healthy();
  }

  /** The epoch this node serves as leader, 0 while it does not. */
  public long leadingEpoch() {
    return proposer.servingEpoch();
  }

  /**
   * While this node serves as leader, how many entries each follower lacks: the last seq the
   * leader appended minus the last the follower acknowledged holding. Empty while it does not.
   */
  public Map<String, Long> followerLag() {
    return proposer.followerLag();
  }

  /**
   * Committed entries this node has not applied yet: the highest commit point it knows (a
   * leader's announcement, or its own as leader) minus its applied seq. A follower cut off from
   * its leader learns of no new commits, so this stays where it was until it hears again.
   */
  public long unappliedEntries() {
    ReplicaLog r = replica;
    long committed = Math.max(r == null ? 0 : r.leaderCommitSeq(), proposer.commitSeq());
    return Math.max(0, committed - state.appliedSeq());
  }

  /** The highest epoch this node has promised to follow (or leads), 0 while recovering. */
  public long promisedEpoch() {
    ReplicaLog r = replica;
    return r == null ? 0 : r.promisedEpoch();
  }

  /** This node's log, or null while it is still recovering. */
  public ReplicaLog replica() {
    return replica;
  }

  /**
   * What this node serves to the other members: its {@link ReplicaLog} once recovered; before
   * that, every call fails as if its store were unavailable (the caller retries).
   */
  public ReplicaEndpoint endpoint() {
    return new ReplicaEndpoint() {
      @Override
      public Promise newEpoch(NewEpoch request) throws StoreUnavailableException {
        return recoveredReplica().newEpoch(request);
      }

      @Override
      public AppendReply append(Append request) throws StoreUnavailableException {
        return recoveredReplica().append(request);
      }

      @Override
      public Contacted contact(Contact request) throws StoreUnavailableException {
        return recoveredReplica().contact(request);
      }

      @Override
      public Fetched fetch(Fetch request) throws StoreUnavailableException {
        return recoveredReplica().fetch(request);
      }

      @Override
      public SnapshotReceived installSnapshot(SnapshotChunk chunk)
          throws StoreUnavailableException {
        return recoveredReplica().installSnapshot(chunk);
      }
    };
  }

  private ReplicaLog recoveredReplica() throws StoreUnavailableException {
    ReplicaLog r = replica;
    if (r == null || died != null) {
      throw new StoreUnavailableException(nodeId + " is still recovering its state", null);
    }
    return r;
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
    if (proposer.proposing()) {
      return commitHere(command);
    }
    String leader = replica.leaderId();
    if (leader == null || leader.equals(nodeId)) {
      return CompletableFuture.failedFuture(new NotCommittedException(
          "no leader is serving right now; retry with the same Idempotency-Key"));
    }
    return forwardToLeader(leader, command);
  }

  /**
   * A write that reached a follower goes to the leader; the answer comes back once this node has
   * applied it too (up to {@link #APPLIED_WAIT}), so that a read here right after sees it. An
   * unknown outcome (no answer) is a 503: the client retries with its idempotency key.
   */
  private CompletableFuture<Committed> forwardToLeader(String leader, Command command) {
    observers.forwarded();
    return forwarding.forward(leader, command, FORWARD_DEADLINE)
        .handle((committed, failure) -> {
          if (failure == null) {
            return state.whenApplied(committed.seq())
                .completeOnTimeout(null, APPLIED_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(applied -> committed);
          }
          observers.forwardFailed();
          Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
          NotCommittedException refused = cause instanceof NotCommittedException nc ? nc
              : new NotCommittedException("the leader did not answer; the write may have been "
                  + "committed: retry with the same Idempotency-Key");
          return CompletableFuture.<Committed>failedFuture(refused);
        })
        .thenCompose(c -> c)
        // Completed by the applier (the wait above) or the transport's thread (the reply came
        // second, or failed): the caller's continuation — building and writing the HTTP answer —
        // runs on the answer pool instead. On the applier it held up applying for every write
        // behind it; the transport's threads must not be held either.
        .whenCompleteAsync((committed, failure) -> { }, answers);
  }

  /**
   * A write a follower forwarded to this node: committed here if this node leads, refused
   * otherwise (never forwarded on, so that a stale view of who leads cannot make a loop).
   */
  public CompletableFuture<Committed> submitLocally(Command command) {
    if (died != null || !recovered) {
      return CompletableFuture.failedFuture(
          new NotCommittedException("this node cannot take writes right now"));
    }
    return commitHere(command);
  }

  /**
   * Proposes {@code command} on this node (the leader). A change every node must show (a logout,
   * say) is answered only once it is shown everywhere or no follower can still serve readers.
   */
  private CompletableFuture<Committed> commitHere(Command command) {
    CompletableFuture<Committed> committed = proposer.submit(command);
    if (!command.mustBeVisibleEverywhere()) {
      return committed;
    }
    return committed.thenCompose(c -> proposer.visibleEverywhere(c.seq()).thenApply(v -> c));
  }

  /**
   * A follower this far behind its leader's commit point is catching up: not ready, and given no
   * read lease (its state would answer for a past the clients have left).
   */
  static final long CATCHING_UP_ENTRIES = 1_000;

  /**
   * Ready for clients: it leads and serves, or it follows under a lease and has caught up (DESIGN:
   * "/health/ready is false while a node has no leader or is catching up").
   */
  public boolean ready() {
    ReplicaLog r = replica;
    return serving() || servesReads()
        && r.leaderCommitSeq() - state.appliedSeq() < CATCHING_UP_ENTRIES;
  }

  /**
   * True while this node may answer reads from its applied state: it leads and serves, or it
   * follows under a lease from the leader and keeps applying.
   */
  public boolean servesReads() {
    ReplicaLog r = replica;
    return serving() || died == null && r != null && r.healthy() && applier.healthy()
        && r.holdsLease();
  }

  @Override
  public void close() {
    closed = true;
    recovery.interrupt();
    proposer.close();
    applier.close();
    if (compactor != null) {
      compactor.shutdownNow();
    }
    if (snapshotWriter != null) {
      snapshotWriter.shutdownNow();
    }
  }

  /** Called by the {@link ReplicaLog} under its lock: nothing is committed here meanwhile. */
  private void installSnapshot(InputStream snapshot, LogPosition at, long appliedFirst)
      throws StoreUnavailableException, IOException {
    try {
      state.whenApplied(appliedFirst).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted before installing a snapshot", e);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException("the applier failed before a snapshot", e);
    }
    store.installSnapshot(snapshot, at);
    applier.restore();
  }

  private void startCompacting(Compaction c) {
    compactor = Executors.newSingleThreadScheduledExecutor(daemon("quipu-log-compaction"));
    long every = c.every().toMillis();
    compactor.scheduleWithFixedDelay(() -> {
      ReplicaLog r = replica;
      long applied = state.appliedSeq();
      try {
        // Compact in steps of a quarter of what is kept, not entry by entry; never past a
        // snapshot a follower is receiving (it needs the entries after it next).
        long upTo = Math.min(applied - c.retainEntries(), snapshots.compactionLimit());
        if (r != null && upTo - r.base().seq() >= c.retainEntries() / 4) {
          long started = System.nanoTime();
          r.compactTo(upTo);
          LOG.info(nodeId + " compacted its log to seq " + upTo + " (applied " + applied + ") in "
              + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
      } catch (StoreUnavailableException | RuntimeException e) {
        LOG.log(Level.WARNING, "the log was not compacted; tried again later", e);
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  private void recover() {
    try {
      while (!closed) {
        try {
          applier.restore();
          ReplicaLog opened = ReplicaLog.open(nodeId, group, log, promises, applier, state);
          Compaction c = compaction;
          if (c != null) {
            opened.takeSnapshots(c.snapshotDir().resolve("in"), this::installSnapshot);
          }
          replica = opened;
          applier.start();
          if (c != null) {
            startCompacting(c);
          }
          proposer.start(replica, leadership);
          recovered = true;
          leadership.start(proposer);
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
