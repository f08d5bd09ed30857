package org.quipu.replication;

/**
 * A member did not answer a replication call: down, paused, cut off, past the deadline, or
 * refusing the call itself (its store unavailable). The caller retries later; it never concludes
 * anything about the member's log from it.
 */
public final class PeerUnreachableException extends Exception {

  private static final long serialVersionUID = 1L;

  public PeerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
