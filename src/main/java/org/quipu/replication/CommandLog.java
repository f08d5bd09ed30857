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

  /** The sequence number of the last durable entry, 0 for an empty log. */
  long lastSeq() throws StoreUnavailableException;

  /**
   * The epoch of the entry at {@code seq}: 0 for seq 0 (the empty prefix every log shares), -1 when
   * this log holds no entry there (beyond its last entry).
   */
  long epochAt(long seq) throws StoreUnavailableException;

  /**
   * Durably removes every entry after {@code seq} (a follower dropping an uncommitted tail that
   * conflicts with its leader's log). The caller has checked that nothing removed was applied.
   */
  void truncateAfter(long seq) throws StoreUnavailableException;
}
