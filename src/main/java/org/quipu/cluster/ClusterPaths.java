package org.quipu.cluster;

/**
 * The znodes of one replication group: {@code /quipu/groups/{group}/} then {@code leader} (the
 * latch), {@code epoch} (the counter a new leader bumps) and {@code members/{node}} (ephemeral,
 * the node's addresses). The group is {@code 0} until the log is partitioned.
 */
public record ClusterPaths(int group) {

  public static final ClusterPaths GROUP_0 = new ClusterPaths(0);

  private String root() {
    return "/quipu/groups/" + group;
  }

  public String leaderLatch() {
    return root() + "/leader";
  }

  public String epoch() {
    return root() + "/epoch";
  }

  public String members() {
    return root() + "/members";
  }

  public String member(String nodeId) {
    return members() + "/" + nodeId;
  }
}
