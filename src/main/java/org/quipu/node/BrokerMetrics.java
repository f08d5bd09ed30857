package org.quipu.node;

import jakarta.annotation.Priority;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueCounters;
import org.quipu.core.state.QueueView;
import org.quipu.replication.LogEntry;

/**
 * Prometheus metrics at {@code /metrics} (MicroProfile Metrics, application scope): per queue the
 * messages in, out (delivered) and acked, and the depth, in-flight and delayed gauges; for the node
 * the applied sequence number, replication lag, and the size and latency of group commits; the
 * replication figures (quorum commit latency, follower lag, forwarded writes, epoch and
 * leadership) through {@link ReplicationMetrics}. Counters are fed by the committed batches;
 * gauges read the applied state when scraped.
 */
@ApplicationScoped
public class BrokerMetrics {

  private static final long RECONCILE_SECONDS = 2;

  @Inject MetricRegistry registry;
  @Inject Node node;

  private final Set<String> gaugedQueues = new HashSet<>();
  private ScheduledExecutorService reconciler;
  private Histogram batchSize;
  private Histogram commitMillis;
  private ReplicationMetrics replication;

  /** Runs after {@link Node#start} (a later priority), once the write path exists. */
  void start(
      @Observes @Priority(Interceptor.Priority.APPLICATION + 600) @Initialized(ApplicationScoped.class)
          Object applicationStarted) {
    batchSize = registry.histogram(Metadata.builder().withName("quipu_commit_batch_size")
        .withDescription("Commands per group-committed batch").build());
    commitMillis = registry.histogram(Metadata.builder().withName("quipu_commit_latency")
        .withUnit(MetricUnits.MILLISECONDS)
        .withDescription("Time to make one batch durable in the log (one append)").build());
    registry.gauge(Metadata.builder().withName("quipu_applied_seq")
        .withDescription("Last log sequence number applied on this node").build(),
        node, n -> n.state().appliedSeq());
    registry.gauge(Metadata.builder().withName("quipu_replication_lag")
        .withDescription("Committed entries this node has not applied yet").build(),
        node, n -> n.writes().unappliedEntries());
    registry.gauge(Metadata.builder().withName("quipu_memory_alarm")
        .withDescription("1 while the memory alarm refuses new messages, else 0").build(),
        node, n -> n.memoryAlarm().raised() ? 1 : 0);
    registry.gauge(Metadata.builder().withName("quipu_heap_used_after_gc_ratio")
        .withDescription("Share of the maximum heap in use after the last collection").build(),
        node, n -> n.memoryAlarm().usedAfterGc());
    registry.gauge(Metadata.builder().withName("quipu_dropped_message_queues")
        .withDescription("Deleted, purged or expired queues whose rows this node has yet to delete")
        .build(), node, n -> n.droppedMessages().queuesLeft());
    node.writes().observe(this::committed);
    replication = new ReplicationMetrics(registry, node.writes());
    node.writes().observeReplication(replication);
    reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-metrics");
      t.setDaemon(true);
      return t;
    });
    reconciler.scheduleWithFixedDelay(this::reconcileGauges, 0, RECONCILE_SECONDS, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    if (reconciler != null) {
      reconciler.shutdownNow();
    }
  }

  private void committed(List<LogEntry> entries, List<Outcome> outcomes, long appendNanos) {
    batchSize.update(entries.size());
    commitMillis.update(appendNanos / 1_000_000);
    Traffic.of(entries, outcomes, node::subscriptionTarget, flow -> {
      String name = switch (flow.kind()) {
        case IN -> "quipu_messages_in";
        case OUT -> "quipu_messages_out";
        case ACKED -> "quipu_messages_acked";
      };
      counter(name, flow.queue()).inc(flow.count());
    });
  }

  private Counter counter(String name, String queue) {
    return registry.counter(name, new Tag("queue", queue));
  }

  /**
   * Adds gauges for new queues and removes every metric of deleted ones; adds and removes the
   * follower lag gauges as this node starts and stops leading.
   */
  private synchronized void reconcileGauges() {
    replication.reconcileFollowerGauges();
    if (node.writes() == null || !node.writes().serving()) {
      return;
    }
    Map<String, Boolean> current = new HashMap<>();
    node.state().read(b -> b.queueNames()).forEach(name -> current.put(name, true));
    for (String queue : current.keySet()) {
      if (gaugedQueues.add(queue)) {
        gauge(queue, "quipu_queue_depth", "Messages ready to be received", QueueCounters::ready);
        gauge(queue, "quipu_queue_in_flight", "Messages leased to a consumer", QueueCounters::inFlight);
        gauge(queue, "quipu_queue_delayed", "Messages not visible yet", QueueCounters::delayed);
      }
    }
    for (String queue : new HashSet<>(gaugedQueues)) {
      if (!current.containsKey(queue)) {
        Tag tag = new Tag("queue", queue);
        for (String name : List.of("quipu_queue_depth", "quipu_queue_in_flight",
            "quipu_queue_delayed", "quipu_messages_in", "quipu_messages_out",
            "quipu_messages_acked")) {
          registry.remove(new MetricID(name, tag));
        }
        gaugedQueues.remove(queue);
      }
    }
  }

  private void gauge(String queue, String name, String description, ToIntFunction<QueueCounters> read) {
    registry.gauge(Metadata.builder().withName(name).withDescription(description).build(),
        node, n -> n.state().read(b -> b.queue(queue, System.currentTimeMillis())
            .map(QueueView::counters).map(read::applyAsInt).orElse(0)),
        new Tag("queue", queue));
  }
}
