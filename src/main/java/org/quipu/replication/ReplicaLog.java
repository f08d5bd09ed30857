package org.quipu.replication;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * This node's log as the replication protocol sees it: the durable {@link CommandLog} and {@link
 * PromiseStore} behind one lock, with the rules of DESIGN.md ("The replication protocol,
 * precisely") that a member enforces — no message of an epoch below the promise, the append check
 * on {@code (prevSeq, prevEpoch)}, conflicting tails dropped, nothing committed ever truncated —
 * and the commit point this node has learned, up to which it hands entries to the {@link
 * Applier}, in order and each once.
 *
 * <p>It serves the other members ({@link ReplicaEndpoint}: a follower's side) and this node's own
 * proposer when it leads ({@link #appendAsLeader}, {@link #adopt}, {@link #deliver}). Entries past
 * the commit point are kept in memory up to a bound, so that neither replication nor applying them
 * reads the log back in the common case.
 *
 * <p>The log may be compacted ({@link #compactTo}): entries up to its {@link #base()} are gone,
 * their effect kept in the state tables. A follower whose next entry its leader has compacted away
 * receives a snapshot instead ({@link #installSnapshot}): it is installed in the tables, and the
 * log restarts after it.
 */
public final class ReplicaLog implements ReplicaEndpoint {

  private static final Logger LOG = Logger.getLogger(ReplicaLog.class.getName());
  /** At most this many uncommitted entries are kept in memory; beyond, the log is read back. */
  static final int TAIL_CACHE_LIMIT = 50_000;
  /**
   * The most recently committed entries stay in memory too, up to this many and {@link
   * #RECENT_COMMITTED_BYTES} ({@link EntrySizes#approximate}), for a follower behind the commit
   * point. In a group of three a leader commits once the faster follower has an entry, so the
   * slower one is asked for entries just committed in nearly every append: read back from the log
   * they were 16 % of a leader's allocations under batches of 100 (async-profiler, 2026-12-05).
   */
  static final int RECENT_COMMITTED_ENTRIES = 4_096;
  static final long RECENT_COMMITTED_BYTES = 32L << 20;
  private static final int CATCH_UP_CHUNK = 1_000;

  private final String self;
  private final int group;
  private final CommandLog log;
  private final PromiseStore promises;
  private final Applier applier;
  private final List<LongConsumer> epochListeners = new CopyOnWriteArrayList<>();
  /**
   * Entries after {@link #cachedFrom} up to {@link #cachedThrough}, exactly ({@code cachedFrom <=
   * committedSeq <= cachedThrough <= lastSeq}); an entry is added only while the cache reaches the
   * log's end. Those up to the commit point are the {@link #recentEntries} most recently committed.
   */
  private final NavigableMap<Long, LogEntry> tail = new TreeMap<>();
  private long cachedFrom;
  /** How many cached entries are committed, and their approximate bytes. */
  private int recentEntries;
  private long recentBytes;
  /** Written under the lock only; volatile so that {@link #promisedEpoch()} never waits for it. */
  private volatile long promisedEpoch;
  private long lastSeq;
  private long lastEpoch;
  private long lastTimestamp;
  /** Every entry up to here has been handed to the applier (and is committed). */
  private long committedSeq;
  private long cachedThrough;
  private volatile boolean broken;
  /** The member that leads the promised epoch, as its appends say; null until one arrives. */
  private volatile String leaderId;
  private volatile long leaderHeardNanos;
  /**
   * Until when ({@link System#nanoTime}) this follower holds a read lease; 0 for none. Written
   * only under {@link #leaseLock}, which {@link #contact} takes without the log's lock: so a
   * contact of an older epoch cannot grant a lease after a promise to a newer one has dropped it.
   */
  private volatile long leaseUntilNanos;
  private final Object leaseLock = new Object();
  /** True while a snapshot is being installed (guarded by {@link #leaseLock}): no lease is taken. */
  private boolean installing;
  /** The highest commit point a leader has announced to this node. */
  private volatile long leaderCommitSeq;
  private final LongSupplier appliedSeq;
  /** The last entry the log no longer holds (compacted, or before an installed snapshot). */
  private LogPosition base = LogPosition.START;
  private SnapshotInbox inbox;
  private SnapshotInstaller installer;

  /** Replaces the state with a snapshot's; see {@link #installSnapshot}. */
  @FunctionalInterface
  public interface SnapshotInstaller {
    /**
     * Makes the state the snapshot's, at {@code at}: once the entries up to {@code appliedFirst}
     * (committed here before) are applied, the state tables replaced in one transaction, then the
     * state in memory reloaded from them.
     */
    void install(InputStream snapshot, LogPosition at, long appliedFirst)
        throws StoreUnavailableException, IOException;
  }

  private ReplicaLog(String self, int group, CommandLog log, PromiseStore promises,
      Applier applier, LongSupplier appliedSeq) {
    this.appliedSeq = appliedSeq;
    this.self = self;
    this.group = group;
    this.log = log;
    this.promises = promises;
    this.applier = applier;
  }

  /**
   * Opens the log of a node whose state has been restored (at {@code state.appliedSeq()}): entries
   * up to there are committed; those after it are not known to be, until a leader says so.
   */
  public static ReplicaLog open(String self, int group, CommandLog log, PromiseStore promises,
      Applier applier, ReplicaState state) throws StoreUnavailableException {
    ReplicaLog replica = new ReplicaLog(self, group, log, promises, applier, state::appliedSeq);
    long applied = state.appliedSeq();
    synchronized (replica) {
      replica.base = log.base();
      replica.promisedEpoch = promises.promisedEpoch();
      replica.committedSeq = applied;
      replica.cachedFrom = applied;
      replica.cachedThrough = applied;
      replica.resync();
    }
    return replica;
  }

  /**
   * Lets this node take snapshots (kept in {@code inboxDir} while they arrive) and install them
   * with {@code installer}; a node without one refuses a snapshot (it cannot be behind a compacted
   * log: no member compacts without this). Call before it serves.
   */
  public synchronized void takeSnapshots(java.nio.file.Path inboxDir, SnapshotInstaller installer)
      throws StoreUnavailableException {
    this.inbox = new SnapshotInbox(inboxDir);
    this.installer = installer;
    try {
      LogPosition begun = inbox.installing();
      if (begun != null && appliedSeq.getAsLong() == begun.seq()) {
        // The tables took the snapshot, then the node stopped before the log restarted after it.
        LOG.info(self + " finishes installing the snapshot at seq " + begun.seq());
        restartLogAt(begun);
      }
      inbox.clearInstalling();
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot read the snapshot marker", e);
    }
  }

  /** The last entry the log no longer holds: {@link LogPosition#START} until it is compacted. */
  public synchronized LogPosition base() {
    return base;
  }

  /** Told (on the thread that raised it) whenever this node promises a higher epoch. */
  public void onHigherEpoch(LongConsumer listener) {
    epochListeners.add(listener);
  }

  public long promisedEpoch() {
    return promisedEpoch;
  }

  public synchronized long lastSeq() {
    return lastSeq;
  }

  public synchronized long lastEpoch() {
    return lastEpoch;
  }

  /** The latest timestamp any entry in the log carries (a new leader's clock never goes below). */
  public synchronized long lastTimestamp() {
    return lastTimestamp;
  }

  public synchronized long committedSeq() {
    return committedSeq;
  }

  /**
   * The member whose appends of the promised epoch last reached this node, if one has since it
   * last promised an epoch: where a follower forwards writes.
   */
  public String leaderId() {
    return leaderId;
  }

  /** When an append of the current leader last reached this node ({@link System#nanoTime}). */
  public long leaderHeardNanos() {
    return leaderHeardNanos;
  }

  /**
   * True while the leader's last lease holds: this follower may serve reads (and accept tokens)
   * from its applied state.
   */
  public boolean holdsLease() {
    long until = leaseUntilNanos;
    return until != 0 && System.nanoTime() - until < 0;
  }

  /** The highest commit point a leader has announced here (how far a follower must catch up). */
  public long leaderCommitSeq() {
    return leaderCommitSeq;
  }

  /** False once a peer asked it to drop committed entries: a bug; this node must stop serving. */
  public boolean healthy() {
    return !broken;
  }

  // ---- a member's side (ReplicaEndpoint) ----

  @Override
  public synchronized Promise newEpoch(NewEpoch request) throws StoreUnavailableException {
    checkGroup(request.group());
    if (request.epoch() < promisedEpoch) {
      return promise(false);
    }
    raisePromise(request.epoch());
    return promise(true);
  }

  // Holding this. The applied seq, not the commit point: how much a new leader must still apply.
  private Promise promise(boolean granted) {
    return new Promise(self, granted, promisedEpoch, lastEpoch, lastSeq, appliedSeq.getAsLong());
  }

  /**
   * The lease an append grants runs from when the call reached this method, before it waits for
   * the lock: an append still writing a large batch may hold the lock for seconds, and a lease
   * counted from when the lock was free could outlast the leader's count of it (the moment it sent
   * the append plus its deadline and the lease).
   */
  @Override
  public AppendReply append(Append request) throws StoreUnavailableException {
    long received = System.nanoTime();
    synchronized (this) {
      return append(request, received);
    }
  }

  // Holding this.
  private AppendReply append(Append request, long received) throws StoreUnavailableException {
    checkGroup(request.group());
    if (request.epoch() < promisedEpoch) {
      return new AppendReply(self, AppendReply.Result.STALE_EPOCH, promisedEpoch, 0, lastSeq);
    }
    raisePromise(request.epoch());
    leaderId = request.leaderId();
    leaderHeardNanos = System.nanoTime();
    // At or below the base, every entry is committed and applied here: the leader's log holds the
    // same ones (a leader holds every committed entry), so the check there passes by itself.
    if (request.prevSeq() > base.seq() && epochAt(request.prevSeq()) != request.prevEpoch()
        || request.prevSeq() == base.seq() && base.epoch() != request.prevEpoch()) {
      return new AppendReply(self, AppendReply.Result.MISMATCH, promisedEpoch, 0, lastSeq,
          appliedSeq.getAsLong());
    }
    leaderCommitSeq = Math.max(leaderCommitSeq, request.commitSeq());
    merge(request.entries());
    long matchSeq = request.lastSeq();
    commitTo(Math.min(request.commitSeq(), matchSeq));
    takeLease(request.epoch(), received, request.leaseMillis());
    return new AppendReply(self, AppendReply.Result.ACCEPTED, promisedEpoch, matchSeq, lastSeq,
        appliedSeq.getAsLong());
  }

  /**
   * Not synchronized: an append of a large batch holds the lock while the log writes it, and the
   * leader must hear from this member meanwhile (and may renew its read lease meanwhile). Changes
   * nothing else; the promised epoch is volatile, written after the promise is durable.
   */
  @Override
  public Contacted contact(Contact request) {
    long received = System.nanoTime();
    checkGroup(request.group());
    takeLease(request.epoch(), received, request.leaseMillis());
    return new Contacted(self, promisedEpoch);
  }

  /**
   * Holds a read lease of {@code leaseMillis} (none if 0) from {@code received}, granted by the
   * leader of {@code epoch}: only if that is the epoch promised, and never shortening a lease the
   * same leader granted later. 90% of it: a margin for clocks.
   */
  private void takeLease(long epoch, long received, long leaseMillis) {
    if (leaseMillis <= 0) {
      return;
    }
    long until = received + leaseMillis * 900_000L;
    synchronized (leaseLock) {
      if (epoch == promisedEpoch && !installing
          && (leaseUntilNanos == 0 || until - leaseUntilNanos > 0)) {
        leaseUntilNanos = until;
      }
    }
  }


  @Override
  public synchronized Fetched fetch(Fetch request) throws StoreUnavailableException {
    checkGroup(request.group());
    if (request.epoch() < promisedEpoch) {
      return new Fetched(self, false, promisedEpoch, List.of(), 0);
    }
    raisePromise(request.epoch());
    if (request.afterSeq() < base.seq()) {
      return new Fetched(self, true, promisedEpoch, List.of(), base.seq());
    }
    return new Fetched(self, true, promisedEpoch, EntrySizes.within(
        entriesAfter(request.afterSeq(), Math.max(1, request.limit())),
        Replicator.MAX_APPEND_BYTES), base.seq());
  }

  /**
   * Takes a piece of a snapshot from the leader (see the InstallSnapshot rpc). Once every byte is
   * here and intact, installs it before answering: the state becomes the snapshot's and the log
   * restarts after it. Its entries are committed (the leader applied them), so nothing this node
   * held up to there is lost; what it held beyond — a tail it never had committed, since it lacked
   * entries before it — goes, as a conflicting tail would. A snapshot no later than what this node
   * has applied is answered as installed.
   */
  @Override
  public synchronized SnapshotReceived installSnapshot(SnapshotChunk chunk)
      throws StoreUnavailableException {
    checkGroup(chunk.group());
    if (chunk.epoch() < promisedEpoch) {
      return new SnapshotReceived(self, false, promisedEpoch, 0, false, appliedSeq.getAsLong());
    }
    raisePromise(chunk.epoch());
    leaderId = chunk.leaderId();
    leaderHeardNanos = System.nanoTime();
    SnapshotId id = chunk.snapshot();
    if (id.at().seq() <= committedSeq) {
      return new SnapshotReceived(self, true, promisedEpoch, id.size(), true,
          appliedSeq.getAsLong());
    }
    if (inbox == null) {
      throw new IllegalStateException(self + " takes no snapshots");
    }
    try {
      long held = inbox.take(id, chunk.offset(), chunk.data());
      if (held < id.size()) {
        return new SnapshotReceived(self, true, promisedEpoch, held, false,
            appliedSeq.getAsLong());
      }
      if (!inbox.completeAndIntact()) {
        LOG.warning(self + " received snapshot " + id + " damaged; it is sent again");
        inbox.discard();
        return new SnapshotReceived(self, true, promisedEpoch, 0, false, appliedSeq.getAsLong());
      }
      install(id.at());
      inbox.discard();
      return new SnapshotReceived(self, true, promisedEpoch, id.size(), true,
          appliedSeq.getAsLong());
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot keep or install the snapshot", e);
    }
  }

  // Holding this.
  private void install(LogPosition at) throws StoreUnavailableException, IOException {
    long started = System.nanoTime();
    synchronized (leaseLock) {
      installing = true; // no reads from a state that is about to change, nor leases until done
      leaseUntilNanos = 0;
    }
    try {
      inbox.markInstalling(at);
      try (InputStream snapshot = inbox.open()) {
        installer.install(snapshot, at, committedSeq);
      }
      restartLogAt(at);
      inbox.clearInstalling();
    } finally {
      synchronized (leaseLock) {
        installing = false;
      }
    }
    LOG.info(self + " installed the snapshot at seq " + at.seq() + " (epoch " + at.epoch()
        + ") in " + (System.nanoTime() - started) / 1_000_000 + " ms; its log restarts after it");
  }

  // Holding this: the state tables are at {@code at}.
  private void restartLogAt(LogPosition at) throws StoreUnavailableException {
    log.restartAt(at);
    base = at;
    lastSeq = at.seq();
    lastEpoch = at.epoch();
    lastTimestamp = Math.max(lastTimestamp, at.timestampMillis());
    committedSeq = at.seq();
    clearCache(at.seq());
    leaderCommitSeq = Math.max(leaderCommitSeq, at.seq());
  }

  /**
   * Drops the entries up to {@code seq} (at most what this node has applied) from the log, their
   * effect kept in the state tables; a follower that needs them gets a snapshot instead. The base
   * moves here first, under the lock, so that from then on nothing reads below it; the log then
   * deletes the entries outside the lock (it may take seconds: 10,000 entries of 256 KiB took 19 s
   * on two busy cores), and appends go on meanwhile.
   */
  public void compactTo(long seq) throws StoreUnavailableException {
    LogPosition position;
    synchronized (this) {
      long upTo = Math.min(seq, Math.min(committedSeq, appliedSeq.getAsLong()));
      if (upTo <= base.seq()) {
        return;
      }
      List<LogEntry> at = entriesAfter(upTo - 1, 1);
      if (at.isEmpty() || at.get(0).seq() != upTo) {
        throw new IllegalStateException("the log holds no entry at " + upTo + " to compact to");
      }
      position = new LogPosition(upTo, at.get(0).epoch(), at.get(0).timestampMillis());
      base = position;
      while (!tail.isEmpty() && tail.firstKey() <= upTo) {
        dropFirstCommitted(); // upTo is at most the commit point
      }
      cachedFrom = Math.max(cachedFrom, upTo);
    }
    log.compactTo(position);
  }

  // ---- the leader's side ----

  /**
   * Promises {@code epoch} to this node itself (step 2 of becoming leader, its own vote): false
   * when it has already promised a higher one, and then it must not lead.
   */
  public synchronized boolean promiseOwn(long epoch) throws StoreUnavailableException {
    if (epoch < promisedEpoch) {
      return false;
    }
    raisePromise(epoch);
    return true;
  }

  /** This node's own answer to its {@link NewEpoch}, once {@link #promiseOwn} has granted it. */
  public synchronized Promise ownPromise() {
    return promise(true);
  }

  /**
   * Appends entries the leader of {@code epoch} has just stamped, durably.
   *
   * @throws NotCommittedException when this node has promised a later epoch meanwhile (it has
   *     been deposed: nothing is appended)
   */
  public synchronized void appendAsLeader(long epoch, List<LogEntry> entries)
      throws StoreUnavailableException, NotCommittedException {
    if (promisedEpoch != epoch) {
      throw new NotCommittedException("this node has promised epoch " + promisedEpoch);
    }
    if (entries.get(0).seq() != lastSeq + 1) {
      throw new IllegalStateException("appending seq " + entries.get(0).seq() + " after " + lastSeq);
    }
    appendDurably(entries);
  }

  /**
   * Takes entries fetched from the member with the most advanced log (step 3 of becoming leader)
   * as a follower takes an append: entries it already holds are kept, a conflicting tail is
   * dropped. {@code upTo} is that member's last seq: anything this log holds beyond it goes too.
   */
  public synchronized void adopt(long epoch, List<LogEntry> entries, long upTo)
      throws StoreUnavailableException, NotCommittedException {
    if (promisedEpoch != epoch) {
      throw new NotCommittedException("this node has promised epoch " + promisedEpoch);
    }
    if (!entries.isEmpty()) {
      long prevSeq = entries.get(0).seq() - 1;
      if (prevSeq > lastSeq) {
        throw new IllegalStateException("adopting from " + (prevSeq + 1) + " after " + lastSeq);
      }
      merge(entries);
    }
    if (entries.isEmpty() || entries.get(entries.size() - 1).seq() >= upTo) {
      if (lastSeq > upTo) {
        truncate(upTo);
      }
    }
  }

  /**
   * Hands a batch this node proposed (with its callers) to the applier once it is committed,
   * after any committed entries before it that it has not handed over yet.
   */
  public synchronized void deliver(Applier.Batch batch) throws StoreUnavailableException {
    long first = batch.entries().get(0).seq();
    long last = batch.entries().get(batch.entries().size() - 1).seq();
    if (last <= committedSeq) {
      // Committed through an append from a later leader, and applied without these callers: this
      // node was deposed meanwhile. Their outcome is that leader's, unknown here: a 503, retried.
      batch.callers().forEach(c -> c.completeExceptionally(new NotCommittedException(
          "this node stopped leading; retry with the same Idempotency-Key")));
      return;
    }
    commitTo(first - 1);
    if (first != committedSeq + 1) {
      throw new IllegalStateException("delivering " + first + " after " + committedSeq);
    }
    applier.committed(batch);
    advanceCommitted(last);
  }

  /** Hands every entry up to {@code seq} (at most the last held) to the applier, in order. */
  public synchronized void commitTo(long seq) throws StoreUnavailableException {
    long upTo = Math.min(seq, lastSeq);
    while (committedSeq < upTo) {
      List<LogEntry> chunk = entriesAfter(committedSeq,
          (int) Math.min(CATCH_UP_CHUNK, upTo - committedSeq));
      if (chunk.isEmpty()) {
        throw new IllegalStateException("the log holds no entry after " + committedSeq);
      }
      applier.committed(Applier.Batch.recovered(chunk));
      advanceCommitted(chunk.get(chunk.size() - 1).seq());
    }
  }

  /** Up to {@code limit} entries after {@code afterSeq}, from memory when it holds them. */
  public synchronized List<LogEntry> entriesAfter(long afterSeq, int limit)
      throws StoreUnavailableException {
    if (afterSeq < base.seq()) {
      throw new IllegalStateException("entries after " + afterSeq + " asked of a log compacted "
          + "through " + base.seq());
    }
    if (afterSeq >= cachedFrom && afterSeq < cachedThrough) {
      List<LogEntry> found = new ArrayList<>((int) Math.min(limit, lastSeq - afterSeq));
      for (LogEntry e : tail.tailMap(afterSeq, false).values()) {
        if (found.size() == limit) {
          break;
        }
        found.add(e);
      }
      if (found.size() < limit && cachedThrough < lastSeq) { // the cache overflowed: the rest
        found.addAll(log.entriesAfter(cachedThrough, limit - found.size()));
      }
      return found;
    }
    if (afterSeq >= lastSeq) {
      return List.of();
    }
    return log.entriesAfter(afterSeq, limit);
  }

  /**
   * The epoch of the entry at {@code seq}: 0 for seq 0, the base's at the base, -1 when this log
   * holds none there (beyond its end, or compacted away).
   */
  public synchronized long epochAt(long seq) throws StoreUnavailableException {
    if (seq == lastSeq) {
      return lastEpoch;
    }
    if (seq > lastSeq || seq < base.seq()) {
      return -1;
    }
    if (seq == base.seq()) {
      return base.epoch();
    }
    LogEntry cached = tail.get(seq);
    return cached != null ? cached.epoch() : log.epochAt(seq);
  }

  /**
   * Reads where the log really ends, after an append whose answer was lost (it may have landed).
   * Returns the last seq.
   */
  public synchronized long resync() throws StoreUnavailableException {
    long durable = log.lastSeq();
    if (durable != lastSeq || lastEpoch == 0 && durable > 0) {
      List<LogEntry> last = durable == base.seq() ? List.of() : log.entriesAfter(durable - 1, 1);
      lastSeq = durable;
      lastEpoch = last.isEmpty() ? base.epoch() : last.get(0).epoch();
      lastTimestamp = Math.max(lastTimestamp,
          last.isEmpty() ? base.timestampMillis() : last.get(0).timestampMillis());
      clearCache(committedSeq);
    }
    return lastSeq;
  }

  // ---- inside the lock ----

  private void checkGroup(int requested) {
    if (requested != group) {
      throw new IllegalArgumentException("this node serves group " + group + ", not " + requested);
    }
  }

  private void raisePromise(long epoch) throws StoreUnavailableException {
    if (epoch > promisedEpoch) {
      promises.promise(epoch); // durable before anything acts on it
      synchronized (leaseLock) {
        promisedEpoch = epoch;
        leaseUntilNanos = 0; // a lease of an older epoch no longer counts
      }
      leaderId = null; // the new epoch's leader is known once its first append arrives
      epochListeners.forEach(l -> l.accept(epoch));
    }
  }

  /**
   * Keeps the entries this log already holds with the same epoch, drops its tail from the first
   * conflict and appends the rest (the entries start at most one past the last held).
   */
  private void merge(List<LogEntry> entries) throws StoreUnavailableException {
    int i = 0;
    while (i < entries.size() && entries.get(i).seq() <= base.seq()) {
      i++; // committed and applied here, compacted away: the same entries as the leader's
    }
    // The entries this log holds already are compared a run of one epoch at a time. Epochs only
    // grow along a log, so a run whose first and last entries have its epoch here matches all
    // through: two reads a run, not one an entry. (Committed entries are mostly out of the tail
    // cache, each read a query; an append sent again after a late answer is all such entries.)
    while (i < entries.size() && entries.get(i).seq() <= lastSeq) {
      int end = i + 1;
      while (end < entries.size() && entries.get(end).seq() <= lastSeq
          && entries.get(end).epoch() == entries.get(i).epoch()) {
        end++;
      }
      LogEntry first = entries.get(i);
      LogEntry last = entries.get(end - 1);
      if (epochAt(first.seq()) == first.epoch() && epochAt(last.seq()) == last.epoch()) {
        i = end;
        continue;
      }
      while (epochAt(entries.get(i).seq()) == entries.get(i).epoch()) {
        i++; // the first entry of the run that differs here is within it
      }
      truncate(entries.get(i).seq() - 1);
      break;
    }
    if (i < entries.size()) {
      appendDurably(entries.subList(i, entries.size()));
    }
  }

  private void truncate(long afterSeq) throws StoreUnavailableException {
    if (afterSeq < committedSeq) {
      broken = true;
      LOG.severe("REFUSED to truncate the log of " + self + " after seq " + afterSeq
          + ": entries up to " + committedSeq + " are committed and applied. This is a bug in "
          + "the replication protocol; this node stops serving.");
      throw new IllegalStateException("truncation at or below the commit point refused");
    }
    long epochThere = epochAt(afterSeq); // before lastSeq moves: epochAt(lastSeq) is lastEpoch
    log.truncateAfter(afterSeq);
    LOG.warning(self + " dropped its uncommitted entries after seq " + afterSeq + " (up to "
        + lastSeq + "): they conflict with the leader's log");
    tail.tailMap(afterSeq, false).clear();
    cachedThrough = Math.min(cachedThrough, afterSeq);
    lastSeq = afterSeq;
    lastEpoch = epochThere;
  }

  private void appendDurably(List<LogEntry> entries) throws StoreUnavailableException {
    List<LogEntry> copy = List.copyOf(entries);
    log.append(copy);
    LogEntry last = copy.get(copy.size() - 1);
    for (LogEntry e : copy) {
      if (cachedThrough == e.seq() - 1 && tail.size() - recentEntries < TAIL_CACHE_LIMIT) {
        tail.put(e.seq(), e);
        cachedThrough = e.seq();
      }
      lastTimestamp = Math.max(lastTimestamp, e.timestampMillis());
    }
    lastSeq = last.seq();
    lastEpoch = last.epoch();
  }

  private void advanceCommitted(long seq) {
    long before = committedSeq;
    committedSeq = seq;
    if (seq > cachedThrough) {
      // After an overflow the cache stays off until the commit point reaches the end of the log
      // again: then cachedThrough == lastSeq and appends are kept once more.
      clearCache(seq);
      return;
    }
    for (LogEntry e : tail.subMap(before, false, seq, true).values()) {
      recentEntries++;
      recentBytes += EntrySizes.approximate(e);
    }
    while (recentEntries > RECENT_COMMITTED_ENTRIES || recentBytes > RECENT_COMMITTED_BYTES) {
      dropFirstCommitted();
    }
  }

  /** Drops the first cached entry, which is committed. */
  private void dropFirstCommitted() {
    Map.Entry<Long, LogEntry> first = tail.pollFirstEntry();
    recentEntries--;
    recentBytes -= EntrySizes.approximate(first.getValue());
    cachedFrom = first.getKey();
  }

  /** Empties the cache; it starts again after {@code seq}, the commit point. */
  private void clearCache(long seq) {
    tail.clear();
    recentEntries = 0;
    recentBytes = 0;
    cachedFrom = seq;
    cachedThrough = seq;
  }
}
