package org.quipu.replication;

/**
 * One piece of a snapshot, sent by the leader of {@code epoch} to a member whose next entry it has
 * compacted away: {@code data} belongs at {@code offset} in the snapshot's bytes. An empty chunk
 * asks only how far the member is.
 */
public record SnapshotChunk(int group, String leaderId, long epoch, SnapshotId snapshot,
    long offset, byte[] data) {

  public SnapshotChunk {
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  public int length() {
    return data.length;
  }
}
