package org.quipu.replication;

/**
 * Who may propose: the rest of the node learns of leadership only through this interface. A grant
 * carries the epoch the new leader stamps on its entries (a fencing token); a revocation — also on
 * any doubt, such as a suspended coordination session — stops proposing at once.
 */
public interface Leadership {

  /** Told when this node becomes leader and when it stops being one. */
  interface Listener {
    void onGranted(long epoch);

    void onRevoked();
  }

  /** Starts telling {@code listener}; a node that already leads is granted at once. */
  void start(Listener listener);

  /**
   * One node alone: it leads one fixed epoch from the start and never loses it. The cluster issue
   * replaces it with an election.
   */
  static Leadership fixed(long epoch) {
    return listener -> listener.onGranted(epoch);
  }
}
