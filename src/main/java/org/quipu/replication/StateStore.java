package org.quipu.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

  /**
   * Writes a snapshot of every state table, as of one applied sequence number, to {@code out}
   * (streamed: the tables are never held in memory whole) while applies go on; returns the
   * position it is the state after, with a timestamp of 0 (the tables do not keep the entry's
   * timestamp; the caller knows a bound). The bytes are this store's own versioned format, read
   * back only by {@link #installSnapshot}.
   */
  LogPosition writeSnapshot(OutputStream out) throws StoreUnavailableException, IOException;

  /**
   * Replaces every state table with the snapshot read from {@code in} (written by {@link
   * #writeSnapshot} on another node) and the applied seq and epoch with {@code at}'s, in one
   * transaction; refuses (IOException, nothing changed) a stream that is not a whole snapshot at
   * {@code at}. Nothing applies meanwhile: the caller holds the applier off.
   */
  void installSnapshot(InputStream in, LogPosition at) throws StoreUnavailableException,
      IOException;
}
