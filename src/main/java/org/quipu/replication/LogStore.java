package org.quipu.replication;

import java.util.List;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;

/**
 * Durable storage for the log and the state tables. One {@link #append} is one transaction: the
 * entries, the changes they caused and the new applied sequence number become durable together or
 * not at all.
 */
public interface LogStore {

  /** Loads the stored state into {@code broker}; returns the applied sequence number. */
  long restore(Broker broker) throws StoreUnavailableException;

  /** Appends and applies a batch atomically; {@code entries} is non-empty and in order. */
  void append(List<LogEntry> entries, List<Change> changes) throws StoreUnavailableException;

  /** The database cannot be reached or refused the transaction; nothing may be assumed written. */
  final class StoreUnavailableException extends Exception {
    public StoreUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
