package org.quipu.replication;

/** The database cannot be reached or refused the transaction; nothing may be assumed written. */
public final class StoreUnavailableException extends Exception {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
