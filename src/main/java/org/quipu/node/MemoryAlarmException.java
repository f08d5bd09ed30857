package org.quipu.node;

/**
 * A new message refused while the node's {@link MemoryAlarm} is raised: nothing was written; the
 * API answers 503 with {@code Retry-After}, as the node will take it once consumers have drained.
 */
public final class MemoryAlarmException extends RuntimeException {

  /** Seconds a client should wait before sending again. */
  public static final int RETRY_AFTER_SECONDS = 5;

  public MemoryAlarmException(double usedAfterGc, double highWatermark) {
    super(String.format("this node's memory is above its high watermark (%.0f%% of the heap in use,"
        + " the limit is %.0f%%): new messages are refused until consumers drain its queues;"
        + " receiving, acknowledging and deleting still work", usedAfterGc * 100,
        highWatermark * 100), null, false, false);
  }
}
