package org.quipu.replication;

import java.util.List;

/**
 * The leader's replication message, also its heartbeat when {@code entries} is empty. A follower
 * accepts it only when {@code epoch} is at least its promised epoch and its own entry at {@code
 * prevSeq} carries {@code prevEpoch} (the log-matching check); then it drops whatever of its tail
 * conflicts with {@code entries}, appends the rest durably, and applies up to {@code commitSeq}.
 *
 * @param prevSeq the seq just before {@code entries} (0 at the start of the log)
 * @param prevEpoch the epoch of the leader's entry at {@code prevSeq} (0 for seq 0)
 * @param entries consecutive entries from {@code prevSeq + 1}, possibly none
 * @param commitSeq how far the leader knows the log to be committed
 * @param leaseMillis a read lease for the follower from when it receives this, 0 for none
 */
public record Append(int group, String leaderId, long epoch, long prevSeq, long prevEpoch,
    List<LogEntry> entries, long commitSeq, long leaseMillis) {

  public Append {
    entries = List.copyOf(entries);
  }

  /** An append that grants no read lease. */
  public Append(int group, String leaderId, long epoch, long prevSeq, long prevEpoch,
      List<LogEntry> entries, long commitSeq) {
    this(group, leaderId, epoch, prevSeq, prevEpoch, entries, commitSeq, 0);
  }

  /** The seq of the last entry this message carries, or {@code prevSeq} when it carries none. */
  public long lastSeq() {
    return prevSeq + entries.size();
  }
}
