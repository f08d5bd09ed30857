package org.quipu.cluster;

/**
 * What a node tells its peers about itself (the {@code Status} rpc).
 *
 * @param epoch the epoch it leads, 0 when it does not lead
 * @param lastSeq the last seq in its log
 * @param appliedSeq how far its state reflects the log
 * @param ready whether it serves requests
 */
public record NodeStatus(String nodeId, long epoch, long lastSeq, long appliedSeq, boolean ready) {

  /** Reads a node's status now; fails when its log cannot be read. */
  @FunctionalInterface
  public interface Source {
    NodeStatus read() throws org.quipu.replication.StoreUnavailableException;
  }
}
