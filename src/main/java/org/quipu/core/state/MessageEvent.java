package org.quipu.core.state;

/**
 * One step in a message's history after it was sent: a delivery (to whom), a move to a dead-letter
 * queue (from where), or a move back (to where). Replicated with the message, so the console shows
 * the same history on every node.
 */
public record MessageEvent(long atMillis, Kind kind, String detail) {

  /** A message keeps at most this many of its latest events. */
  public static final int KEPT = 50;

  public enum Kind {
    /** Leased to a consumer; {@code detail} is the consumer's user name. */
    RECEIVED,
    /** Moved to a dead-letter queue; {@code detail} is the queue it came from. */
    DEAD_LETTERED,
    /** Moved back out of a dead-letter queue; {@code detail} is the queue it went to. */
    REDRIVEN
  }
}
