package org.quipu.replication;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pure bookkeeping of the commit point: which sequence number each member holds durably, and from
 * that the highest seq held by a majority of the members (the leader counts). As in Raft, only an
 * entry of the leader's own epoch is committed by counting copies; older entries are committed
 * through it. Not thread-safe: its owner (the proposer) calls it from one thread.
 */
public final class QuorumTracker {

  private final Set<String> members;
  private final long firstSeqOfEpoch;
  private final Map<String, Long> durable = new HashMap<>();
  private long commitSeq;

  /**
   * @param members every member of the replication group, the leader included
   * @param firstSeqOfEpoch the first sequence number the leader stamped with its own epoch
   * @param commitSeq the commit point known when the leader took over
   */
  public QuorumTracker(Set<String> members, long firstSeqOfEpoch, long commitSeq) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one member");
    }
    this.members = Set.copyOf(members);
    this.firstSeqOfEpoch = firstSeqOfEpoch;
    this.commitSeq = commitSeq;
  }

  /** Records that {@code member} holds every entry up to {@code seq}; returns the commit point. */
  public long durable(String member, long seq) {
    if (!members.contains(member)) {
      throw new IllegalArgumentException("not a member: " + member);
    }
    durable.merge(member, seq, Math::max);
    long majority = majoritySeq();
    if (majority >= firstSeqOfEpoch && majority > commitSeq) {
      commitSeq = majority;
    }
    return commitSeq;
  }

  public long commitSeq() {
    return commitSeq;
  }

  /** The highest seq that at least a majority of the members hold. */
  private long majoritySeq() {
    long[] held = members.stream().mapToLong(m -> durable.getOrDefault(m, 0L)).sorted().toArray();
    int majority = members.size() / 2 + 1;
    return held[held.length - majority];
  }
}
