package org.quipu.replication;

/**
 * A member's answer to {@link NewEpoch}. When {@code granted}, it has durably promised {@code
 * epoch} and says where its log ends, so that the new leader can adopt the most advanced log of a
 * majority. When not, {@code promisedEpoch} is the higher epoch it had already promised.
 *
 * @param lastEpoch the epoch of the member's last log entry (0 for an empty log)
 * @param lastSeq the seq of its last log entry (0 for an empty log)
 * @param appliedSeq how far it has applied (not beyond its commit point): nothing at or below may
 *     ever be truncated there, and a new leader with much more to apply than another member
 *     stands aside ({@link StandAside})
 */
public record Promise(String nodeId, boolean granted, long promisedEpoch, long lastEpoch,
    long lastSeq, long appliedSeq) {

  /** True when this log is ahead of {@code other}'s: a later last epoch, or as late and longer. */
  public boolean aheadOf(Promise other) {
    return lastEpoch != other.lastEpoch ? lastEpoch > other.lastEpoch : lastSeq > other.lastSeq;
  }
}
