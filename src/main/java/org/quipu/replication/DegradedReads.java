package org.quipu.replication;

/**
 * Decides when a node may answer reads without a lease ("degraded reads"): DESIGN.md's "with two
 * [of three] down it refuses writes with 503 and still serves reads", without breaking "a revoked
 * token stops working on every node as soon as logout answers". Pure and driven from outside: a
 * probe (the cluster package's {@code PeerProbe}) calls {@link #observe} once per round with how
 * many members' gRPC ports did not refuse a TCP connection, counting this node.
 *
 * <p><b>The rule.</b> A node serves degraded reads iff (a) the members that do not refuse
 * connections are fewer than a majority of the configured group, so that no commit is possible
 * anywhere; and (b) (a) became true in a round where the node still served reads normally (it held
 * a lease, or led and served) and has held in every round since. The node is <i>armed</i> while
 * (a) holds since such a round; it is <i>degraded</i> while armed and not serving normally. A round
 * where (a) fails disarms it until it serves normally again.
 *
 * <p><b>Why it is safe.</b> A member whose gRPC port refuses connections has no process that can
 * take part in a majority: a follower acknowledges appends and promises epochs over that port, and
 * a node opens it before it contends for leadership and closes it only after it has stopped
 * leading and sending appends. So while (a) holds, nothing commits. While the node served reads
 * normally, every logout or revocation answered so far had been applied by it: a leader answers
 * one only once every follower it leased has applied it or its lease has run out ({@link
 * org.quipu.core.command.Command#mustBeVisibleEverywhere}, {@code
 * LeaderTerm.visibleEverywhere}), and a leader applies
 * before it answers. Between the last round where the node served normally (when (a) held, since
 * the probe samples the lease after the connections) and the end of degraded reads, no commit was
 * possible, so the node's state holds every revocation a client has been told about.
 *
 * <p>Why (b) and not (a) alone: a node whose lease ran out while a peer merely timed out (cut
 * off, paused) sees no majority either, but the peers beyond the cut may have committed a logout it
 * never applied. A peer that times out counts as not refusing, so such a node never arms.
 *
 * <p><b>When a member comes back.</b> A restarted node listens on its gRPC port before it can
 * take part in an election ({@code NewEpoch} goes over gRPC), so the next round sees a majority
 * and ends degraded reads. A logout that a new leader answers without this node having applied it
 * waits until the lease the new leader counts for this node has run out: {@code rpcDeadline +
 * lease} (2 s + 2 s, {@link ReplicationSettings#defaults}) after the leader's election; and the
 * leader listens throughout. A round takes at most the probe period plus one connect timeout per
 * peer (300 ms + 2 x 100 ms in a group of three): far inside those 4 s. In a group of three that is
 * the whole argument (the leader and this node are a majority). In a larger group the followers of
 * such a commit must also be seen: the argument then assumes that a restarted member stays up for
 * a round, which a node that boots in seconds does.
 *
 * <p><b>What it trusts.</b> A refused connection must mean that no process listens: a network
 * cut that answers with a TCP reset or an ICMP port-unreachable (iptables {@code REJECT}, which
 * Linux reports as refused) rather than dropping packets would make a live peer look dead.
 *
 * <p>Thread-safe: one thread observes, request threads read {@link #degraded}.
 */
public final class DegradedReads {

  private boolean armed; // guarded by this
  private volatile boolean degraded;

  /**
   * One probe round.
   *
   * @param servesReads whether the node served reads normally (leased, or leading and serving),
   *     sampled after the round's connections
   * @param membersNotRefusing how many members did not refuse a connection, this node included
   * @param groupSize how many members the group is configured with
   */
  public synchronized void observe(boolean servesReads, int membersNotRefusing, int groupSize) {
    if (membersNotRefusing < 1 || membersNotRefusing > groupSize) {
      throw new IllegalArgumentException(
          membersNotRefusing + " members not refusing in a group of " + groupSize);
    }
    boolean noMajority = membersNotRefusing < groupSize / 2 + 1;
    if (!noMajority) {
      armed = false;
    } else if (servesReads) {
      armed = true;
    }
    degraded = armed && !servesReads;
  }

  /** True while the node may answer reads without a lease, as of the last round. */
  public boolean degraded() {
    return degraded;
  }
}
