package org.quipu.replication;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings one follower's log in line with the leader's and keeps it there, for one epoch (step 4
 * of becoming leader, then every append). An {@link Append} carries everything the follower lacks
 * and has not been sent, up to a bound: whatever the leader appended while it waited goes in the
 * next one, so the follower gets a few batches per round trip however many writes arrive (group
 * commit across the network). An idle follower gets an empty append each heartbeat, which carries
 * the commit point.
 *
 * <p>Appends are pipelined: once the follower has accepted an append in this epoch, new entries go
 * out at once, up to {@link ReplicationSettings#appendsInFlight} appends awaiting their answers,
 * without waiting for the one before. Until then — and again after any refusal or failure — one
 * append at a time probes where the follower's log matches (etcd's "probe" and "replicate"
 * states). A refusal or a failure resets the pipeline: a refusal to an append sent before it is
 * stale and ignored. An acceptance always counts, whenever it comes: the follower holds those
 * entries durably, and this leader's entries never change within its epoch, so {@code nextSeq}
 * never falls back to or below what the follower acknowledged — in particular, it is never sent a
 * snapshot that would drop entries it acknowledged. Correctness does not depend on the transport
 * keeping appends in order (the simulated network reorders them); only efficiency does. An append
 * sent beside others grants no read lease (see {@link #next}).
 *
 * <p>On {@code MISMATCH} it backs up — to the follower's last seq when that is shorter, otherwise
 * by a step that doubles at each refusal, so a long conflicting tail costs a few round trips, not
 * one per entry; resending entries the follower already holds is harmless. On {@code STALE_EPOCH}
 * the leader has been deposed. A follower that does not answer is called again after a pause;
 * nothing is concluded about its log.
 *
 * <p>An append larger than {@link #MAX_APPEND_BYTES} (one entry can be: a batch of 25 MB) has a
 * deadline that grows with its size ({@link #deadlineFor}) and grants no read lease, so that every
 * lease is granted in a call whose deadline is at most the settings' deadline, as a new leader
 * assumes when it counts the leases of the leader before it. While an append runs longer than a
 * heartbeat, a {@link Contact} goes beside it each heartbeat: a follower writing a 25 MB batch may
 * take seconds to answer, and is in touch all the while. Until that large append's deadline, each
 * contact also renews the follower's read lease ({@link #contactGrantsLease}): without it, every
 * read the follower received while it wrote the batch was refused with 503.
 *
 * <p>A follower whose next entry the leader's log no longer holds (compacted: a new node, or one
 * down for long) is sent the {@link SnapshotSource}'s snapshot instead, a chunk per call and one
 * call in flight, from where the follower says its copy ends (so a transfer cut off resumes); once
 * the follower answers that it has installed it, appends go on after the snapshot's seq.
 */
final class Replicator {

  private static final Logger LOG = Logger.getLogger(Replicator.class.getName());
  private static final long MAX_BACKUP_STEP = 1L << 20;
  /**
   * Roughly the most bytes of entries one append carries (one entry larger than this goes alone):
   * a follower far behind gets the log in pieces it writes well within the call's deadline.
   */
  static final long MAX_APPEND_BYTES = 4L << 20;
  /**
   * The slowest rate at which a follower is expected to take an append's bytes (over the network,
   * into its log), in {@link EntrySizes}' bound, which counts three bytes per character: 16 MiB/s
   * of it is about 5 MiB/s of ASCII text. An append above {@link #MAX_APPEND_BYTES} has the
   * settings' deadline plus its bytes at this rate: 6.7 s for a full batch of 25 MB.
   */
  static final long MIN_BYTES_PER_SECOND = 16L << 20;
  /** The most bytes of a snapshot one call carries. */
  static final int SNAPSHOT_CHUNK_BYTES = 1 << 20;
  /**
   * The slowest rate at which a follower is expected to install a snapshot (read it and write its
   * rows in one transaction): the call that completes a snapshot, which answers once it is
   * installed, has the settings' deadline plus the snapshot's bytes at this rate.
   */
  static final long MIN_INSTALL_BYTES_PER_SECOND = 1L << 20;

  private final String member;
  private final LeaderTerm term;
  private final ReplicaLog log;
  private final ReplicationTransport transport;
  private final ReplicationSettings settings;
  private final ScheduledExecutorService timer;
  private final ReplicationObserver observer;
  private final SnapshotSource snapshots; // null: this leader sends none

  // Guarded by this.
  /** The snapshot being sent, null while none is. */
  private SnapshotSource.Written sending;
  /** Where the next chunk of it starts: the length the follower said it holds. */
  private long sendOffset;
  /** False until the follower has said how much of {@link #sending} it holds. */
  private boolean probed;
  /** True while a snapshot is being written for this follower. */
  private boolean snapshotAsked;
  private long nextSeq;
  private long backupStep = 1;
  /** Appends (or the one snapshot chunk) sent and not answered yet. */
  private int inFlight;
  /** Counts the pipeline's resets: an answer to an append sent before the last one is stale. */
  private long pipeline;
  /** True once the follower accepted an append of the current pipeline: it may be pipelined. */
  private boolean replicating;
  private boolean retryPending;
  private boolean mismatched;
  private boolean stopped;
  private long lastSentNanos;
  /** When the appends now in flight began: the first was sent with nothing else in flight. */
  private long busySinceNanos;
  /** When an append or a contact last granted a lease. */
  private long lastGrantNanos;
  private boolean contactInFlight;
  private long lastContactNanos;
  /** The append above {@link #MAX_APPEND_BYTES} in flight (null: none), when it went, its due. */
  private Append large;
  private long largeSentNanos;
  private long largeDueNanos;
  private long sentCommitSeq;
  /** When the follower last answered this epoch (0: not yet); a lease goes only to one that did. */
  private long answeredNanos;
  /** Until when the follower may hold a read lease — ours, or at first an older leader's. */
  private volatile long leaseHeldUntilNanos;
  /** How far the follower has applied, as its last answer said. */
  private volatile long appliedSeq;
  /** The last seq the follower acknowledged holding in this epoch (0: none yet). */
  private volatile long matchSeq;

  /**
   * @param oldLeaseUntilNanos until when the follower may still hold a lease granted by an earlier
   *     leader, as far as this one can tell
   */
  Replicator(String member, long nextSeq, LeaderTerm term, ReplicaLog log,
      ReplicationTransport transport, ReplicationSettings settings,
      ScheduledExecutorService timer, long oldLeaseUntilNanos, ReplicationObserver observer,
      SnapshotSource snapshots) {
    this.snapshots = snapshots;
    this.leaseHeldUntilNanos = oldLeaseUntilNanos;
    this.member = member;
    this.nextSeq = Math.max(1, nextSeq);
    this.lastGrantNanos = System.nanoTime() - settings.lease().toNanos(); // none granted yet
    this.term = term;
    this.log = log;
    this.transport = transport;
    this.settings = settings;
    this.timer = timer;
    this.observer = observer;
  }

  String member() {
    return member;
  }

  /** The last seq the follower acknowledged holding in this epoch; 0 while it acknowledged none. */
  long matchSeq() {
    return matchSeq;
  }

  /**
   * Sends at once when the follower lacks entries or has not been told the latest commit point
   * (so that it applies, and answers writes it forwarded, without waiting for a heartbeat): if
   * nothing is in flight, or, for new entries, within the pipeline's window.
   */
  void wake() {
    sendIfDue(false);
  }

  /**
   * Sends a heartbeat (or whatever is due) if nothing was sent for a heartbeat interval; if an
   * append has been running that long, a contact instead.
   */
  void tick() {
    sendIfDue(true);
    contactIfWaiting();
  }

  private void contactIfWaiting() {
    long now = System.nanoTime();
    long heartbeat = settings.heartbeat().toNanos();
    // A quarter of the contact timeout: a contact lost does not hold the next one back long.
    Duration deadline = settings.contactTimeout().dividedBy(4);
    boolean grant;
    long grantedAt;
    synchronized (this) {
      // Quiet: no answer for a heartbeat while appends are in flight (the newest may have just
      // gone out: it waits behind the oldest).
      long quietSince = answeredNanos != 0 && answeredNanos - busySinceNanos > 0
          ? answeredNanos : busySinceNanos;
      if (stopped || inFlight == 0 || contactInFlight || now - quietSince < heartbeat
          || now - lastContactNanos < heartbeat) {
        return;
      }
      contactInFlight = true;
      lastContactNanos = now;
      // Read again under the lock: the count of a lease starts no earlier than this, and the
      // call's deadline ends no later than this plus the deadline (the lock can take a while).
      grantedAt = System.nanoTime();
      grant = contactGrantsLease(grantedAt, deadline);
      if (grant) {
        granted(grantedAt, deadline);
      }
    }
    Duration left = deadline;
    if (grant) {
      // The call's deadline ends when the count assumed: grantedAt plus the deadline.
      left = deadline.minusNanos(System.nanoTime() - grantedAt);
      if (left.isNegative() || left.isZero()) {
        grant = false; // counted, but it could reach the follower too late: none goes
        left = deadline;
      }
    }
    CompletableFuture<Contacted> sent;
    try {
      sent = transport.contact(member, new Contact(term.group(), term.self(), term.epoch(),
          grant ? settings.lease().toMillis() : 0), left);
    } catch (RuntimeException refused) { // a transport closing under it: as no answer
      sent = CompletableFuture.failedFuture(refused);
    }
    sent.whenComplete(this::contacted);
  }

  /**
   * Holding this. Whether a contact sent now renews the follower's read lease: only while a large
   * append runs within its deadline, to a follower whose log matches this leader's, that answered
   * within a lease before the large append went, and has applied nearly all that is committed (as
   * for an append's lease, see {@link #next}). A follower that never finishes the append loses its
   * lease a lease after the append's deadline, so a logout waits for it at most that long (8.7 s
   * for a 25 MB batch with the defaults; a follower that does finish applies the logout sooner).
   * Never with a deadline longer than the settings': a new leader counts an old lease as held at
   * most that deadline and a lease after it starts.
   */
  private boolean contactGrantsLease(long now, Duration deadline) {
    return large != null && now + deadline.toNanos() - largeDueNanos < 0
        && answeredNanos != 0 && largeSentNanos - answeredNanos < settings.lease().toNanos()
        && replicating && !mismatched && sending == null
        && term.commitSeq() - appliedSeq < WritePath.CATCHING_UP_ENTRIES
        && deadline.compareTo(settings.rpcDeadline()) <= 0;
  }

  /**
   * Holding this. Counts a lease granted in a call sent at {@code now}: held at most until the
   * lease after the latest moment the follower can receive it.
   */
  private void granted(long now, Duration deadline) {
    lastGrantNanos = now;
    long until = now + deadline.toNanos() + settings.lease().toNanos();
    if (until - leaseHeldUntilNanos > 0) {
      leaseHeldUntilNanos = until;
    }
  }

  private void contacted(Contacted reply, Throwable failure) {
    synchronized (this) {
      contactInFlight = false;
      if (stopped || failure != null) {
        return;
      }
      if (reply.promisedEpoch() > term.epoch()) {
        stopped = true;
      }
    }
    if (reply.promisedEpoch() > term.epoch()) {
      term.deposed(member + " has promised epoch " + reply.promisedEpoch());
    } else if (reply.promisedEpoch() == term.epoch()) {
      term.heardFrom(member);
    }
  }

  /** An append and its deadline, which {@link #next} works out once. */
  private record Outgoing(Append append, Duration deadline) {}

  private void sendIfDue(boolean heartbeat) {
    CompletableFuture<AppendReply> sent;
    Append append;
    long sentInPipeline;
    synchronized (this) {
      if (stopped || retryPending) {
        return;
      }
      boolean due;
      if (inFlight == 0) {
        due = heartbeat
            ? System.nanoTime() - lastSentNanos >= settings.heartbeat().toNanos()
            : mismatched || nextSeq <= log.lastSeq() || term.commitSeq() > sentCommitSeq;
      } else {
        // Beside appends awaiting answers: only new entries, only to a follower whose log is
        // known to match, within the window. A commit point alone waits for the next answer.
        due = inFlight < settings.appendsInFlight() && replicating && !mismatched
            && sending == null && nextSeq <= log.lastSeq() && !leaseRenewalDue();
      }
      if (!due) {
        return;
      }
      long base = log.base().seq();
      if (nextSeq - 1 < base) {
        if (inFlight > 0) {
          return; // compacted past it: a snapshot goes once the appends in flight are answered
        }
        if (answeredLately()) {
          sendSnapshotChunk();
          return;
        }
        // Silent lately (down, say): no snapshot is written for it yet. An append at the base
        // asks whether it is back and where its log ends; MISMATCH brings it here again.
        LOG.info(member + " needs seq " + nextSeq + ", before this log's base " + base
            + ", and has not answered lately: it is asked at the base first");
        nextSeq = base + 1;
      }
      Outgoing next = next();
      if (next == null) {
        return;
      }
      append = next.append();
      sentInPipeline = pipeline;
      sent = send(next);
      // Sent: the next append starts after it (moved back if it is refused or fails).
      nextSeq = append.lastSeq() + 1;
    }
    sent.whenComplete((reply, failure) -> answered(append, sentInPipeline, reply, failure));
    if (!append.entries().isEmpty()) {
      observer.appendSent(member, append.entries().size());
      if (settings.appendsInFlight() > 1) {
        wake(); // more may have been appended meanwhile, and the window may allow them
      }
    }
  }

  // Holding this; the follower needs entries the log no longer holds.
  private void sendSnapshotChunk() {
    if (snapshots == null) {
      LOG.warning(member + " needs entries compacted away, and this leader sends no snapshots");
      retryLater();
      return;
    }
    SnapshotChunk chunk;
    try {
      if (sending != null && !probed && sending.id().at().seq() < log.base().seq()) {
        // Chosen long ago (the follower was down meanwhile): the log no longer holds what follows
        // it, so the follower would need another snapshot straight after this one. (Once the
        // transfer is under way, the pin keeps the log from moving past it.)
        sending = null;
      }
      if (sending == null) {
        if (snapshotAsked) {
          return; // being written; snapshotReady wakes this
        }
        sending = snapshots.atLeast(log.base().seq(), this::snapshotReady);
        if (sending == null) {
          snapshotAsked = true;
          return;
        }
        sendOffset = 0;
        probed = false;
        LOG.info(member + " needs seq " + nextSeq + ", before this log's base " + log.base().seq()
            + ": it is sent the snapshot at seq " + sending.id().at().seq() + " ("
            + sending.id().size() + " bytes)");
      }
      byte[] data = probed
          ? SnapshotSource.read(sending, sendOffset, SNAPSHOT_CHUNK_BYTES) : new byte[0];
      chunk = new SnapshotChunk(term.group(), term.self(), term.epoch(), sending.id(), sendOffset,
          data);
    } catch (java.io.IOException | RuntimeException unreadable) {
      LOG.log(Level.WARNING, "cannot read the snapshot for " + member, unreadable);
      sending = null;
      snapshots.unpin(member);
      retryLater();
      return;
    }
    // The call that completes the snapshot answers once the follower has installed it.
    boolean completes = chunk.offset() + chunk.length() >= chunk.snapshot().size();
    Duration deadline = completes ? settings.rpcDeadline().plusMillis(
        chunk.snapshot().size() * 1_000 / MIN_INSTALL_BYTES_PER_SECOND) : settings.rpcDeadline();
    if (completes && probed) {
      // The follower installs it before answering, which can take minutes: the entries after it
      // stay in the log meanwhile.
      snapshots.pin(member, chunk.snapshot().at().seq(),
          deadline.plus(SnapshotSource.PIN_IDLE));
    }
    lastSentNanos = System.nanoTime();
    if (inFlight++ == 0) {
      busySinceNanos = lastSentNanos;
    }
    CompletableFuture<SnapshotReceived> sent;
    try {
      sent = transport.installSnapshot(member, chunk, deadline);
    } catch (RuntimeException refused) { // a transport closing under it: as no answer
      sent = CompletableFuture.failedFuture(refused);
    }
    sent.whenComplete((reply, failure) -> chunkAnswered(chunk, reply, failure));
  }

  private void snapshotReady() {
    synchronized (this) {
      snapshotAsked = false;
    }
    timer.schedule(this::wake, settings.retryAfter().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void chunkAnswered(SnapshotChunk sent, SnapshotReceived reply, Throwable failure) {
    synchronized (this) {
      inFlight--;
      if (stopped) {
        return;
      }
      if (failure != null) {
        LOG.fine(() -> member + " did not answer a snapshot chunk: " + failure.getMessage());
        retryLater();
        return;
      }
      term.heardFrom(member);
      answeredNanos = System.nanoTime();
      appliedSeq = Math.max(appliedSeq, reply.appliedSeq());
      if (!reply.accepted()) {
        stopped = true;
      } else if (reply.installed()) {
        LOG.info(member + " has installed the snapshot at seq " + sent.snapshot().at().seq());
        pipeline++;
        replicating = false;
        nextSeq = sent.snapshot().at().seq() + 1;
        sending = null;
        // Still pinned at the snapshot's seq: the follower catches up from there (see answered).
        mismatched = false;
        backupStep = 1;
      } else if (sending != null && sending.id().equals(sent.snapshot())) {
        probed = true;
        sendOffset = Math.min(reply.received(), sent.snapshot().size());
        snapshots.pin(member, sent.snapshot().at().seq());
      }
    }
    if (!reply.accepted()) {
      term.deposed(member + " has promised epoch " + reply.promisedEpoch());
      return;
    }
    wake();
  }

  synchronized void stop() {
    stopped = true;
    if (snapshots != null) {
      snapshots.unpin(member);
    }
  }

  /**
   * True once the follower shows everything up to {@code seq} to its readers, or can no longer
   * serve readers at all (no lease it could still hold): a change visible everywhere is answered
   * only when every follower is one or the other.
   */
  boolean showsOrCannotServe(long seq) {
    return appliedSeq >= seq || System.nanoTime() - leaseHeldUntilNanos >= 0;
  }

  /** The next append from {@code nextSeq}, or null when the log cannot be read now. */
  private Outgoing next() {
    try {
      if (nextSeq > log.lastSeq() + 1) {
        nextSeq = log.lastSeq() + 1; // the leader's log is shorter than it believed the follower's
      }
      long prevSeq = nextSeq - 1;
      long prevEpoch = log.epochAt(prevSeq);
      List<LogEntry> entries = EntrySizes.within(
          log.entriesAfter(prevSeq, settings.maxEntriesPerAppend()), MAX_APPEND_BYTES);
      Duration deadline = deadlineFor(settings, entries);
      long now = System.nanoTime();
      long lease = settings.lease().toMillis();
      // A lease only to a follower that answered lately and has applied nearly all that is
      // committed: one catching up (restarted, say) would answer reads, and take tokens, from a
      // state the clients have long left, and every logout would wait for it.
      // Never in an append with a longer deadline: a new leader counts an old lease as held at
      // most the settings' deadline and a lease after it starts. Nor in one sent beside appends
      // still unanswered: on the member's stream it waits behind them (a large batch can take
      // seconds) before its lease starts, later than this leader's count of it allows.
      boolean grant = answeredNanos != 0 && now - answeredNanos < settings.lease().toNanos()
          && term.commitSeq() - appliedSeq < WritePath.CATCHING_UP_ENTRIES
          && deadline.equals(settings.rpcDeadline()) && inFlight == 0;
      if (grant) {
        granted(now, deadline);
      }
      return new Outgoing(new Append(term.group(), term.self(), term.epoch(), prevSeq, prevEpoch,
          entries, term.commitSeq(), grant ? lease : 0), deadline);
    } catch (StoreUnavailableException | RuntimeException unreadable) {
      LOG.log(Level.WARNING, "cannot read the log to replicate to " + member, unreadable);
      retryLater();
      return null;
    }
  }

  private CompletableFuture<AppendReply> send(Outgoing next) {
    lastSentNanos = System.nanoTime();
    if (inFlight++ == 0) {
      busySinceNanos = lastSentNanos;
    }
    sentCommitSeq = Math.max(sentCommitSeq, next.append().commitSeq());
    if (next.deadline().compareTo(settings.rpcDeadline()) > 0) {
      large = next.append();
      largeSentNanos = lastSentNanos;
      largeDueNanos = lastSentNanos + next.deadline().toNanos();
    }
    try {
      return transport.append(member, next.append(), next.deadline());
    } catch (RuntimeException refused) { // a transport closing under it, say: treat as no answer
      return CompletableFuture.failedFuture(new PeerUnreachableException(
          "the transport refused an append to " + member, refused));
    }
  }

  /**
   * The settings' deadline for an append up to {@link #MAX_APPEND_BYTES}; for a larger one, that
   * plus the time its bytes take at the slowest expected rate.
   */
  static Duration deadlineFor(ReplicationSettings settings, List<LogEntry> entries) {
    long bytes = 0;
    for (LogEntry e : entries) {
      bytes += EntrySizes.approximate(e);
    }
    return bytes <= MAX_APPEND_BYTES ? settings.rpcDeadline()
        : settings.rpcDeadline().plusMillis(bytes * 1_000 / MIN_BYTES_PER_SECOND);
  }

  private void answered(Append sent, long sentInPipeline, AppendReply reply, Throwable failure) {
    long acked = -1;
    boolean stale = false;
    synchronized (this) {
      inFlight--;
      if (sent == large) {
        large = null; // answered or failed: contacts renew no lease for it any more
      }
      if (stopped) {
        return;
      }
      boolean current = sentInPipeline == pipeline;
      if (failure != null) {
        LOG.fine(() -> member + " did not answer an append: " + failure.getMessage());
        if (current) {
          // What it carried, and whatever was sent beside it, goes again after a pause, from
          // the first entry the follower has not acknowledged (resetPipeline's floor).
          resetPipeline(matchSeq > 0 ? matchSeq + 1 : sent.prevSeq() + 1);
          retryLater();
          return;
        }
        stale = true; // its pipeline was reset already; the last one in flight wakes the probe
      } else {
        acked = heard(sent, current, reply);
      }
    }
    if (stale) {
      wake();
      return;
    }
    if (reply.result() == AppendReply.Result.STALE_EPOCH) {
      term.deposed(member + " has promised epoch " + reply.promisedEpoch());
      return;
    }
    if (acked >= 0) {
      term.acked(member, acked);
    }
    wake();
  }

  /** An answer to {@code sent} (holding this); the seq it acknowledges, or -1. */
  private long heard(Append sent, boolean current, AppendReply reply) {
    long acked = -1;
    term.heardFrom(member);
    answeredNanos = System.nanoTime();
    appliedSeq = Math.max(appliedSeq, reply.appliedSeq());
    switch (reply.result()) {
      case ACCEPTED -> {
        if (current) {
          backupStep = 1;
          mismatched = false;
          replicating = true;
        }
        acked = reply.matchSeq();
        matchSeq = Math.max(matchSeq, acked);
        nextSeq = Math.max(nextSeq, matchSeq + 1); // held: never sent again, nor snapshotted
        if (snapshots != null) {
          // A follower catching up holds the log back at what it has, for as long as it makes
          // progress: compacted past it, it would need a snapshot (again) instead.
          if (nextSeq <= log.lastSeq()) {
            snapshots.pin(member, matchSeq);
          } else {
            snapshots.unpin(member);
          }
        }
      }
      case MISMATCH -> {
        if (!current) {
          break; // sent before the pipeline was reset: its refusal was dealt with then
        }
        if (reply.lastSeq() < matchSeq) {
          // Its log ends before what it acknowledged in this epoch. With appends reordered on
          // the way this can be an old answer; on one stream it means the member lost entries
          // it had made durable, which no leader can undo.
          LOG.warning(member + " answered MISMATCH with its log ending at " + reply.lastSeq()
              + ", below the seq " + matchSeq + " it acknowledged in epoch " + term.epoch());
        }
        long back = reply.lastSeq() < sent.prevSeq()
            ? reply.lastSeq() + 1 // the follower's log is shorter: continue from its end
            : sent.prevSeq() + 1 - backupStep; // a conflicting entry at prevSeq: back up
        long base = baseSeq();
        if (back <= base && sent.prevSeq() > base && reply.lastSeq() >= base) {
          back = base + 1; // try at the log's base before sending a snapshot
        }
        resetPipeline(Math.max(1, back));
        backupStep = Math.min(MAX_BACKUP_STEP, backupStep * 2);
        mismatched = true;
      }
      case STALE_EPOCH -> stopped = true;
    }
    return acked;
  }

  /**
   * Holding this. Appends still in flight become stale; the next one probes from {@code from},
   * but never at or below what the follower acknowledged in this epoch: it holds that.
   */
  private void resetPipeline(long from) {
    pipeline++;
    replicating = false;
    nextSeq = Math.max(from, matchSeq + 1);
    sentCommitSeq = 0; // what reached it is unknown: the next append tells the commit point again
  }

  /**
   * Holding this. True when the follower would be granted a lease and its last is half gone: the
   * pipeline then waits for its answers, so that the next append goes alone and grants one (an
   * append beside others grants none). Under steady writes a full pipeline would otherwise never
   * drain, and the follower would lose its lease and stop serving reads.
   */
  private boolean leaseRenewalDue() {
    return answeredNanos != 0 && term.commitSeq() - appliedSeq < WritePath.CATCHING_UP_ENTRIES
        && System.nanoTime() - lastGrantNanos >= settings.lease().toNanos() / 2;
  }

  // Holding this.
  private boolean answeredLately() {
    return answeredNanos != 0
        && System.nanoTime() - answeredNanos < settings.contactTimeout().toNanos();
  }

  private long baseSeq() {
    return log.base().seq();
  }

  private void retryLater() {
    retryPending = true;
    timer.schedule(() -> {
      synchronized (this) {
        retryPending = false;
      }
      wake();
      tick();
    }, settings.retryAfter().toMillis(), TimeUnit.MILLISECONDS);
  }
}
