package org.quipu.replication;

/**
 * A place in the log: the entry at {@code seq}, of {@code epoch}, stamped {@code timestampMillis}.
 * It names the last entry a compacted log no longer holds (its base) and the entry a snapshot is
 * the state after. {@link #START} is the empty prefix every log shares.
 */
public record LogPosition(long seq, long epoch, long timestampMillis) {

  public static final LogPosition START = new LogPosition(0, 0, 0);
}
