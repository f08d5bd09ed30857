package org.quipu.replication;

import java.util.List;

/**
 * The durable log of commands: entries {@code (seq, epoch, command)}, contiguous and in order. An
 * {@link #append} is durable when it returns; only then may anyone count the entries as held by
 * this node. The log knows nothing of what the commands do: that is the {@link Applier}'s.
 */
public interface CommandLog {

  /** Makes {@code entries} (non-empty, following the last entry) durable, all or none. */
  void append(List<LogEntry> entries) throws StoreUnavailableException;

  /** Up to {@code limit} entries after {@code afterSeq}, in order. */
  List<LogEntry> entriesAfter(long afterSeq, int limit) throws StoreUnavailableException;

  /**
   * The sequence number of the last durable entry; the {@link #base}'s when the log holds none
   * after it (0 for a log that never held any).
   */
  long lastSeq() throws StoreUnavailableException;

  /**
   * The last entry compacted away ({@link LogPosition#START} when none was): the log holds the
   * entries after it only. Every entry up to it was applied here, so its state is in the tables.
   */
  LogPosition base() throws StoreUnavailableException;

  /**
   * Durably removes every entry up to {@code at.seq()} — an entry this log holds, of {@code
   * at.epoch()}, already applied — and records {@code at} as its base.
   */
  void compactTo(LogPosition at) throws StoreUnavailableException;

  /**
   * Durably removes every entry and restarts the log after {@code at}: a snapshot of the state at
   * that position has been installed in the tables.
   */
  void restartAt(LogPosition at) throws StoreUnavailableException;

  /**
   * The epoch of the entry at {@code seq}: the base's epoch at the base's seq (0 for seq 0, the
   * empty prefix every log shares), -1 when this log holds no entry there (beyond its last entry,
   * or compacted away before its base).
   */
  long epochAt(long seq) throws StoreUnavailableException;

  /**
   * Durably removes every entry after {@code seq} (a follower dropping an uncommitted tail that
   * conflicts with its leader's log). The caller has checked that nothing removed was applied.
   */
  void truncateAfter(long seq) throws StoreUnavailableException;
}
