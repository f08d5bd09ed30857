package org.quipu.replication;

/**
 * A member's answer to a {@link SnapshotChunk}.
 *
 * @param accepted false when it had promised an epoch above the chunk's (it took nothing)
 * @param received how many bytes of that snapshot it holds: where the next chunk starts
 * @param installed true once its state is that snapshot's, or later
 * @param appliedSeq how far it has applied
 */
public record SnapshotReceived(String nodeId, boolean accepted, long promisedEpoch, long received,
    boolean installed, long appliedSeq) {}
