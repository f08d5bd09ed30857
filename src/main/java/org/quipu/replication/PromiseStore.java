package org.quipu.replication;

/**
 * Where a node keeps {@code promisedEpoch}, durably: the highest epoch it has promised to follow
 * (or taken to lead). A node never acts on a message from a lower epoch, and the promise must be on
 * disk before it answers the {@link NewEpoch} that raised it — a node that forgot its promise after
 * a crash could help two leaders commit in one round.
 */
public interface PromiseStore {

  /** The highest epoch promised so far, 0 if none. */
  long promisedEpoch() throws StoreUnavailableException;

  /** Durably raises the promised epoch to {@code epoch}; a lower or equal epoch changes nothing. */
  void promise(long epoch) throws StoreUnavailableException;
}
