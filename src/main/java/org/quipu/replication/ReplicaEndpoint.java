package org.quipu.replication;

/**
 * What a node serves to the other members of its group: the receiving side of {@link
 * ReplicationTransport}. Each method runs on the caller's thread (a gRPC executor), checks the
 * message's epoch against the durable promise first, and is safe to call from several threads.
 */
public interface ReplicaEndpoint {

  Promise newEpoch(NewEpoch request) throws StoreUnavailableException;

  AppendReply append(Append request) throws StoreUnavailableException;

  /** Answers at once, never waiting for an {@link #append} that is running. */
  Contacted contact(Contact request) throws StoreUnavailableException;

  Fetched fetch(Fetch request) throws StoreUnavailableException;

  /**
   * Takes a piece of a snapshot; installs the snapshot once it holds all of it (the call then
   * returns only when it is installed).
   */
  SnapshotReceived installSnapshot(SnapshotChunk chunk) throws StoreUnavailableException;
}
