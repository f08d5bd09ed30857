package org.quipu.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.StartEpoch;

/**
 * One epoch of this node's leadership: becoming leader (steps 2 to 5 of DESIGN.md's "Becoming
 * leader"), then the commit point — the {@link QuorumTracker} fed by this node's own appends and
 * the followers' acknowledgements — and handing committed batches, with their callers, to the
 * applier through the {@link ReplicaLog}. One {@link Replicator} per follower.
 *
 * <p>It steps down (through {@code stepDown}, once) when a member has promised a later epoch, or
 * when it has heard from no majority of the group for the contact timeout. Once closed, nothing it
 * proposed is committed by it any more: its waiting callers get {@link NotCommittedException} (the
 * entries may still be committed by the next leader; the clients retry with their idempotency
 * keys and get the first answer).
 */
final class LeaderTerm {

  /** What the callers of a batch appended here, then not committed, are told besides why. */
  private static final String MAY_STILL_COMMIT = "; the write is in its log and may still be"
      + " committed by the next leader: retry with the same Idempotency-Key";
  private static final Logger LOG = Logger.getLogger(LeaderTerm.class.getName());
  private static final int FETCH_CHUNK = 1_000;

  private final String self;
  private final int group;
  private final long epoch;
  private final Set<String> members;
  private final ReplicaLog log;
  private final ReplicationTransport transport;
  private final ReplicationSettings settings;
  private final ScheduledExecutorService timer;
  private final BiConsumer<LeaderTerm, String> stepDown;
  private final ReplicationObserver observer;
  private final SnapshotSource snapshots; // null: none is sent
  private final Map<String, Replicator> replicators = new ConcurrentHashMap<>();
  private final Map<String, Long> lastHeardNanos = new ConcurrentHashMap<>();
  /** Batches appended here and not committed yet, oldest first (guarded by this). */
  private final Deque<Appended> undelivered = new ArrayDeque<>();
  /** Changes waiting to be shown (or unservable) on every follower, by seq. */
  private final Map<CompletableFuture<Void>, Long> waitingEverywhere = new ConcurrentHashMap<>();
  private final long startedNanos = System.nanoTime();
  private volatile QuorumTracker tracker;
  private volatile long commitSeq;
  /** The last seq this leader appended to its own log in this term (0 before its start entry). */
  private volatile long lastAppendedSeq;
  private volatile boolean closed;
  private volatile StandAside stoodAside; // null unless recover stood aside
  private ScheduledFuture<?> ticks;

  /** A batch as appended to the leader's own log, and when ({@link System#nanoTime}). */
  private record Appended(Applier.Batch batch, long atNanos) {
    long lastSeq() {
      return batch.entries().get(batch.entries().size() - 1).seq();
    }
  }

  LeaderTerm(String self, int group, long epoch, Set<String> members, ReplicaLog log,
      ReplicationTransport transport, ReplicationSettings settings,
      ScheduledExecutorService timer, BiConsumer<LeaderTerm, String> stepDown,
      ReplicationObserver observer, SnapshotSource snapshots) {
    if (!members.contains(self)) {
      throw new IllegalArgumentException(self + " is not a member of its group " + members);
    }
    this.self = self;
    this.group = group;
    this.epoch = epoch;
    this.members = Set.copyOf(members);
    this.log = log;
    this.transport = transport;
    this.settings = settings;
    this.timer = timer;
    this.stepDown = stepDown;
    this.observer = observer;
    this.snapshots = snapshots;
  }

  String self() {
    return self;
  }

  int group() {
    return group;
  }

  long epoch() {
    return epoch;
  }

  /** The commit point as far as this leader knows it (what its appends tell the followers). */
  long commitSeq() {
    return commitSeq;
  }

  boolean closed() {
    return closed;
  }

  /** Whether {@link #recover} stood aside, and for whom. */
  Optional<StandAside> stoodAside() {
    return Optional.ofNullable(stoodAside);
  }

  /**
   * Becomes leader: promises from a majority, the most advanced log adopted, followers brought in
   * line, the epoch-start entry committed. Blocks until then; false when it cannot (deposed,
   * closed, a majority unreachable for the contact timeout), and then the node must not lead; also
   * false when it stands aside for a member that could serve far sooner ({@link StandAside}, given
   * when it {@code lastStoodAside}, or null), and then {@link #stoodAside} says so.
   */
  boolean recover(long timestampMillis, StandAside lastStoodAside)
      throws InterruptedException, StoreUnavailableException {
    long began = System.nanoTime();
    if (!log.promiseOwn(epoch)) {
      LOG.warning(self + " cannot lead epoch " + epoch + ": it promised " + log.promisedEpoch());
      return false;
    }
    long promisedOwn = System.nanoTime();
    Map<String, Promise> promises = collectPromises();
    if (promises == null) {
      return false;
    }
    long promised = System.nanoTime();
    Promise best = log.ownPromise();
    for (Promise p : promises.values()) {
      if (p.aheadOf(best)) {
        best = p;
      }
    }
    Optional<StandAside> aside = StandAside.decide(self, promises.values(), best, lastStoodAside);
    if (aside.isPresent()) {
      stoodAside = aside.get();
      Promise other = stoodAside.forWhom();
      LOG.info(self + " stands aside in epoch " + epoch + ": it has "
          + StandAside.toDo(promises.get(self), best) + " entries to fetch and apply before it"
          + " could serve, " + other.nodeId() + " " + StandAside.toDo(other, best));
      return false;
    }
    if (!best.nodeId().equals(self) && !adoptFrom(best)) {
      return false;
    }
    long adopted = System.nanoTime();
    LogEntry start = new LogEntry(log.lastSeq() + 1, epoch,
        Math.max(timestampMillis, log.lastTimestamp()), new StartEpoch());
    CompletableFuture<Committed> started = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        return false;
      }
      tracker = new QuorumTracker(members, start.seq(), log.committedSeq());
      commitSeq = tracker.commitSeq();
      for (String member : members) {
        if (!member.equals(self)) {
          Promise p = promises.get(member);
          long next = (p == null ? log.lastSeq() : Math.min(p.lastSeq(), log.lastSeq())) + 1;
          // Until told otherwise, a follower may hold a lease an earlier leader granted it.
          long oldLease = startedNanos + settings.rpcDeadline().toNanos()
              + settings.lease().toNanos();
          replicators.put(member, new Replicator(member, next, this, log, transport, settings,
              timer, oldLease, observer, snapshots));
        }
      }
      long period = settings.heartbeat().toMillis();
      ticks = timer.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }
    try {
      log.appendAsLeader(epoch, List.of(start));
    } catch (NotCommittedException deposed) {
      return false;
    }
    long appendedOwn = System.nanoTime();
    appended(new Applier.Batch(List.of(start), List.of(started), 0));
    LOG.info(self + " leads epoch " + epoch + ": waiting for its start entry, seq " + start.seq());
    while (!closed) {
      try {
        started.get(100, TimeUnit.MILLISECONDS);
        long now = System.nanoTime();
        LOG.info(self + " serves epoch " + epoch + " from seq " + start.seq() + " after "
            + millis(now - began) + " ms (own promise " + millis(promisedOwn - began)
            + ", a majority's " + millis(promised - promisedOwn) + ", adoption "
            + millis(adopted - promised) + ", own append " + millis(appendedOwn - adopted)
            + ", start entry committed and applied " + millis(now - appendedOwn) + ")");
        return true;
      } catch (TimeoutException notYet) {
        // the contact timeout steps down if no majority answers
      } catch (ExecutionException failed) {
        return false;
      }
    }
    return false;
  }

  /** Registers a batch this leader has appended to its own log, and replicates it. */
  void appended(Applier.Batch batch) {
    Appended appended = new Appended(batch, System.nanoTime());
    synchronized (this) {
      if (!closed) {
        undelivered.addLast(appended);
        lastAppendedSeq = Math.max(lastAppendedSeq, appended.lastSeq());
      }
    }
    if (closed) {
      fail(batch, "this node stopped leading");
      return;
    }
    acked(self, appended.lastSeq());
    for (Replicator r : replicators.values()) {
      r.wake();
    }
  }

  /**
   * A member (this node included) holds the leader's log durably up to {@code matchSeq}; what that
   * commits goes to the applier. If the log cannot be read to hand it over, the next
   * acknowledgement or heartbeat tick tries again.
   */
  void acked(String member, long matchSeq) {
    long before = commitSeq;
    List<Appended> delivered = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        advance(member, matchSeq, delivered);
      } catch (StoreUnavailableException | RuntimeException unreadable) {
        // Handing committed entries over needs the log when they are not in memory any more.
        LOG.log(Level.WARNING, "cannot hand committed entries to the applier", unreadable);
      }
    }
    long now = System.nanoTime();
    for (Appended a : delivered) {
      observer.quorumCommitted(a.batch().entries().size(), now - a.atNanos());
    }
    if (commitSeq > before && !member.equals(self)) {
      replicators.values().forEach(Replicator::wake); // tell the others the new commit point
    }
    checkVisibility();
  }

  /**
   * Completes once every follower shows {@code seq} to its readers or can no longer serve any (its
   * lease, from this leader or an earlier one, has run out): then a revoked token fails on every
   * node. Fails with {@link NotCommittedException} if this term ends first.
   */
  CompletableFuture<Void> visibleEverywhere(long seq) {
    CompletableFuture<Void> visible = new CompletableFuture<>();
    waitingEverywhere.put(visible, seq);
    checkVisibility();
    if (closed && waitingEverywhere.remove(visible) != null) {
      visible.completeExceptionally(new NotCommittedException(
          "this node stopped leading before the change reached every node; retry"));
    }
    return visible;
  }

  private void checkVisibility() {
    if (waitingEverywhere.isEmpty()) {
      return;
    }
    waitingEverywhere.forEach((future, seq) -> {
      if (replicators.values().stream().allMatch(r -> r.showsOrCannotServe(seq))
          && waitingEverywhere.remove(future) != null) {
        future.complete(null);
      }
    });
  }

  /**
   * How far each follower is behind this leader: the last seq it appended in this term minus the
   * last one the follower acknowledged holding (every entry, while it has acknowledged none).
   */
  Map<String, Long> followerLag() {
    long last = lastAppendedSeq;
    Map<String, Long> lag = new HashMap<>();
    replicators.forEach((member, r) -> lag.put(member, Math.max(0, last - r.matchSeq())));
    return lag;
  }

  void heardFrom(String member) {
    lastHeardNanos.put(member, System.nanoTime());
  }

  /** A member answered with a later epoch: this leader is deposed. */
  void deposed(String why) {
    stepDown.accept(this, why);
  }

  /** Stops: no more replication or commits in this epoch; waiting callers get 503. */
  void close(String why) {
    List<Applier.Batch> left = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (ticks != null) {
        ticks.cancel(false);
      }
      replicators.values().forEach(Replicator::stop);
      undelivered.forEach(a -> left.add(a.batch()));
      undelivered.clear();
    }
    left.forEach(b -> fail(b, why));
    for (CompletableFuture<Void> waiting : List.copyOf(waitingEverywhere.keySet())) {
      if (waitingEverywhere.remove(waiting) != null) {
        waiting.completeExceptionally(new NotCommittedException(
            why + ": the change may not have reached every node yet; retry"));
      }
    }
  }

  // Holding this. Adds the batches it hands to the applier to delivered.
  private void advance(String member, long seq, List<Appended> delivered)
      throws StoreUnavailableException {
    long committed = tracker.durable(member, seq);
    commitSeq = committed;
    while (!undelivered.isEmpty()) {
      Appended head = undelivered.peekFirst();
      if (head.lastSeq() > committed) {
        break;
      }
      log.deliver(head.batch());
      undelivered.pollFirst();
      delivered.add(head);
    }
  }

  private void tick() {
    if (closed) {
      return;
    }
    replicators.values().forEach(Replicator::tick);
    acked(self, 0); // hands over what an earlier failure to read the log held back, if anything
    checkVisibility(); // leases run out with time
    long now = System.nanoTime();
    long contact = settings.contactTimeout().toNanos();
    int heard = 1; // itself
    for (String member : members) {
      if (!member.equals(self)) {
        long last = lastHeardNanos.getOrDefault(member, startedNanos);
        if (now - last < contact) {
          heard++;
        }
      }
    }
    if (heard < majority()) {
      stepDown.accept(this, "heard from no majority of " + members + " for "
          + settings.contactTimeout().toMillis() + " ms");
    }
  }

  private int majority() {
    return members.size() / 2 + 1;
  }

  /**
   * Step 2: promises of this epoch from a majority (itself included), taken as they arrive — a
   * member that is paused or cut off does not hold the others up; null if it cannot (a member
   * promised a later epoch, or no majority within the contact timeout).
   */
  private Map<String, Promise> collectPromises() throws InterruptedException {
    record Answer(String member, Promise promise) {}
    Map<String, Promise> granted = new HashMap<>();
    granted.put(self, log.ownPromise());
    long giveUpAt = System.nanoTime() + settings.contactTimeout().toNanos();
    BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    while (!closed && granted.size() < majority()) {
      int asked = 0;
      for (String member : members) {
        if (!granted.containsKey(member)) {
          asked++;
          transport.newEpoch(member, new NewEpoch(group, self, epoch), settings.rpcDeadline())
              .whenComplete((p, failed) ->
                  answers.add(new Answer(member, failed == null ? p : null)));
        }
      }
      long roundEnds = System.nanoTime() + settings.rpcDeadline().toNanos();
      for (int got = 0; got < asked && granted.size() < majority() && !closed; got++) {
        Answer a = answers.poll(Math.max(0, roundEnds - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (a == null) {
          break; // the round's deadline passed
        }
        if (a.promise() == null) {
          continue; // unreachable this round
        }
        heardFrom(a.member());
        if (a.promise().granted()) {
          granted.put(a.member(), a.promise());
        } else if (a.promise().promisedEpoch() > epoch) {
          LOG.warning(self + " cannot lead epoch " + epoch + ": " + a.member() + " promised "
              + a.promise().promisedEpoch());
          return null;
        }
      }
      answers.clear(); // late answers of this round are asked again, not counted twice
      if (granted.size() < majority()) {
        if (System.nanoTime() > giveUpAt) {
          LOG.warning(self + " reached no majority for epoch " + epoch + " (" + granted.keySet()
              + ")");
          return null;
        }
        Thread.sleep(settings.retryAfter().toMillis());
      }
    }
    return closed ? null : granted;
  }

  /**
   * Step 3: takes the entries of {@code best}, the member with the most advanced log, after this
   * node's commit point (up to which every log agrees), dropping its own conflicting entries.
   */
  private boolean adoptFrom(Promise best) throws InterruptedException, StoreUnavailableException {
    LOG.info(self + " adopts the log of " + best.nodeId() + " (epoch " + best.lastEpoch()
        + ", seq " + best.lastSeq() + ")");
    long after = log.committedSeq();
    long giveUpAt = System.nanoTime() + settings.contactTimeout().toNanos();
    while (!closed) {
      Fetched fetched = answer(transport.fetch(best.nodeId(),
          new Fetch(group, self, epoch, after, FETCH_CHUNK), settings.rpcDeadline()));
      if (fetched == null) {
        if (System.nanoTime() > giveUpAt) {
          return false;
        }
        Thread.sleep(settings.retryAfter().toMillis());
        continue;
      }
      heardFrom(best.nodeId()); // a long adoption must not count as silence afterwards
      if (!fetched.granted()) {
        return false; // it has promised a later epoch since
      }
      if (fetched.compactedAfter(after)) {
        // It applied and compacted entries this node lacks: this node cannot lead until it has
        // them (a snapshot from a leader); it gives leadership back for a member that holds them.
        LOG.warning(self + " cannot adopt the log of " + best.nodeId() + ": compacted through "
            + fetched.compactedThrough() + ", beyond this node's " + after);
        return false;
      }
      try {
        log.adopt(epoch, fetched.entries(), best.lastSeq());
      } catch (NotCommittedException deposed) {
        return false;
      }
      List<LogEntry> entries = fetched.entries();
      if (entries.isEmpty() || entries.get(entries.size() - 1).seq() >= best.lastSeq()) {
        return true;
      }
      after = entries.get(entries.size() - 1).seq();
      giveUpAt = System.nanoTime() + settings.contactTimeout().toNanos(); // it is making progress
    }
    return false;
  }

  private <T> T answer(CompletableFuture<T> call) throws InterruptedException {
    try {
      return call.get(settings.rpcDeadline().toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException unreachable) {
      return null;
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /**
   * Fails the callers of a batch this leader appended to its own log and has not committed. The
   * batch may still be committed: it is in this log, perhaps on followers too, and the next leader
   * adopts the most advanced log of a majority. So the answer (a 503) says the write may have
   * happened, and how to retry it without storing it twice.
   */
  private static void fail(Applier.Batch batch, String why) {
    String detail = why + MAY_STILL_COMMIT;
    batch.callers().forEach(c -> c.completeExceptionally(new NotCommittedException(detail)));
  }
}
