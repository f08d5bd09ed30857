package org.quipu.replication;

/**
 * A command was not committed: the node cannot write right now (no store, not the leader). The
 * client must not assume the write happened; the API answers 503 with Retry-After.
 */
public final class NotCommittedException extends RuntimeException {
  public NotCommittedException(String message) {
    super(message, null, false, false);
  }
}
