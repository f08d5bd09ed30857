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
   * Gives the leadership back: this node cannot lead the epoch it was granted (deposed by a later
   * one, cut off from the majority, or unable to recover). The listener is told {@code onRevoked}
   * if it was not already, and the node contends again after a pause.
   */
  void relinquish(String why);

  /**
   * One node alone, without a coordination service: it leads one fixed epoch from the start and,
   * after giving it back, takes it again a second later.
   */
  static Leadership fixed(long epoch) {
    return new FixedLeadership(epoch);
  }
}
