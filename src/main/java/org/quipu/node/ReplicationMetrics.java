package org.quipu.node;

import java.util.HashSet;
import java.util.Set;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.quipu.replication.ReplicationObserver;
import org.quipu.replication.WritePath;

/**
 * The replication figures at {@code /metrics}: the histograms and counters are fed by the write
 * path's {@link ReplicationObserver} callbacks, on the replication threads (a histogram update or a
 * counter increment, nothing that waits); the gauges read the write path when scraped. The
 * per-follower lag gauges exist only while this node leads: {@link #reconcileFollowerGauges} adds
 * and removes them.
 */
final class ReplicationMetrics implements ReplicationObserver {

  private static final String FOLLOWER_LAG = "quipu_replication_follower_lag";

  private final MetricRegistry registry;
  private final WritePath writes;
  private final Histogram quorumCommitMillis;
  private final Histogram appendBatchSize;
  private final Counter forwarded;
  private final Counter forwardsFailed;
  private final Set<String> laggingGauged = new HashSet<>(); // guarded by this

  /** Registers the metrics; then {@code writes.observeReplication(this)} feeds them. */
  ReplicationMetrics(MetricRegistry registry, WritePath writes) {
    this.registry = registry;
    this.writes = writes;
    quorumCommitMillis = registry.histogram(Metadata.builder()
        .withName("quipu_replication_commit_latency").withUnit(MetricUnits.MILLISECONDS)
        .withDescription("Leader only: time from a batch's local durable append to its commit "
            + "by a majority of the group").build());
    appendBatchSize = registry.histogram(Metadata.builder()
        .withName("quipu_replication_append_batch_size")
        .withDescription("Leader only: entries per append sent to a follower (empty heartbeats "
            + "not counted)").build());
    forwarded = registry.counter(Metadata.builder().withName("quipu_forwarded_writes")
        .withDescription("Writes this node, as a follower, handed to the leader").build());
    forwardsFailed = registry.counter(Metadata.builder().withName("quipu_forwarded_writes_failed")
        .withDescription("Forwarded writes not acknowledged: refused by the leader or no answer "
            + "(a 503 to the client)").build());
    registry.gauge(Metadata.builder().withName("quipu_epoch")
        .withDescription("Highest epoch this node has promised to follow or leads").build(),
        writes, WritePath::promisedEpoch);
    registry.gauge(Metadata.builder().withName("quipu_is_leader")
        .withDescription("1 while this node serves as leader, else 0").build(),
        writes, w -> w.leadingEpoch() != 0 ? 1 : 0);
  }

  @Override
  public void quorumCommitted(int entries, long nanosSinceAppended) {
    quorumCommitMillis.update(nanosSinceAppended / 1_000_000);
  }

  @Override
  public void appendSent(String follower, int entries) {
    appendBatchSize.update(entries);
  }

  @Override
  public void forwarded() {
    forwarded.inc();
  }

  @Override
  public void forwardFailed() {
    forwardsFailed.inc();
  }

  /**
   * One lag gauge per follower while this node leads, none while it does not (between two calls
   * a gauge of a term that ended reads 0).
   */
  synchronized void reconcileFollowerGauges() {
    Set<String> followers = writes.followerLag().keySet();
    for (String follower : followers) {
      if (laggingGauged.add(follower)) {
        registry.gauge(Metadata.builder().withName(FOLLOWER_LAG)
            .withDescription("Leader only: entries the leader has appended that this follower "
                + "has not acknowledged").build(),
            writes, w -> w.followerLag().getOrDefault(follower, 0L),
            new Tag("follower", follower));
      }
    }
    for (String follower : Set.copyOf(laggingGauged)) {
      if (!followers.contains(follower)) {
        registry.remove(new MetricID(FOLLOWER_LAG, new Tag("follower", follower)));
        laggingGauged.remove(follower);
      }
    }
  }
}
