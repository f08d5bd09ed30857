package org.quipu.replication;

/**
 * A follower's answer to {@link Append}.
 *
 * @param result what it did with the message
 * @param promisedEpoch its promised epoch after the message (above the sender's on {@code
 *     STALE_EPOCH}: the sender has been deposed)
 * @param matchSeq on {@code ACCEPTED}: the seq up to which its log now durably equals the
 *     leader's (the message's last seq); otherwise 0
 * @param lastSeq the seq of its last log entry: on {@code MISMATCH} the leader backs up to at
 *     most this
 * @param appliedSeq how far it has applied the log
 */
public record AppendReply(String nodeId, Result result, long promisedEpoch, long matchSeq,
    long lastSeq, long appliedSeq) {

  /** A reply that says nothing of what the member has applied. */
  public AppendReply(String nodeId, Result result, long promisedEpoch, long matchSeq,
      long lastSeq) {
    this(nodeId, result, promisedEpoch, matchSeq, lastSeq, 0);
  }

  /** What a follower did with an {@link Append}. */
  public enum Result {
    /** Appended (or already held) every entry; {@code matchSeq} is durable. */
    ACCEPTED,
    /** Refused: its promised epoch is above the message's. Nothing changed. */
    STALE_EPOCH,
    /** Refused: it holds no entry at {@code prevSeq} with {@code prevEpoch}. Nothing changed. */
    MISMATCH
  }
}
