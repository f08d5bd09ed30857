package org.quipu.replication;

import java.util.List;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;

/**
 * The state tables: what applying the log up to some sequence number produced. Each {@link
 * #apply} is one transaction holding a batch's changes and the applied sequence number together,
 * so after a crash the tables are exactly the state at their applied seq and the log after it is
 * replayed on top.
 */
public interface StateStore {

  /** Loads the stored state into {@code broker}; returns its applied sequence number. */
  long restore(Broker broker) throws StoreUnavailableException;

  /**
   * The applied sequence number the tables hold now: after an {@link #apply} whose answer was lost
   * (the database committed, the connection died before saying so), this tells whether it landed.
   */
  long appliedSeq() throws StoreUnavailableException;

  /** Writes {@code changes} and the new applied sequence number in one transaction. */
  void apply(List<Change> changes, long appliedSeq, long epoch) throws StoreUnavailableException;
}
