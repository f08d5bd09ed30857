package org.quipu.node;

import java.util.Optional;
import java.util.Set;

/**
 * Decides, after each round of the peer probe, whether the leader this node follows is dead for
 * certain, so that ZooKeeper can be told to hand its latch over at once rather than when its
 * session expires. Both must hold:
 *
 * <ul>
 *   <li>its gRPC port refused this node's connection: nothing listens there, so its process is
 *       gone (a paused or cut-off leader still accepts connections);
 *   <li>nothing has come from it for longer than {@code silence} (a few heartbeats): a port
 *       refused to this node alone (a cut that answers with TCP resets, a wrong address) while
 *       the leader still reaches it would otherwise take the latch from a leader that is alive,
 *       again and again, each time it led anew.
 * </ul>
 *
 * A node that leads, or knows no leader, has none to report.
 */
final class DeadLeader {

  private DeadLeader() {}

  /**
   * @param leader the leader this node follows, or null
   * @param refusing the peers whose gRPC port refused a connection in the last round
   * @param sinceHeardNanos how long since the leader last sent this node anything
   * @param silenceNanos how long a leader may stay silent and still count as alive
   * @return the leader, if it is dead for certain
   */
  static Optional<String> of(boolean leading, String leader, Set<String> refusing,
      long sinceHeardNanos, long silenceNanos) {
    if (leading || leader == null || !refusing.contains(leader)
        || sinceHeardNanos <= silenceNanos) {
      return Optional.empty();
    }
    return Optional.of(leader);
  }
}
