package org.quipu.node;

import java.util.List;

/**
 * The cluster as one node sees it: every member with its role, state and progress, the leader,
 * the epoch and the commit point. The API's {@code /cluster} answers it as JSON and the console's
 * overview renders it.
 */
public record ClusterView(List<Member> nodes, String leader, long epoch, long commitSeq) {

  /**
   * One node: the highest epoch it has seen, and {@code lag}, how many committed entries it has
   * not applied yet.
   */
  public record Member(String id, String address, String role, String state, long epoch,
      long appliedSeq, long lag) {}
}
