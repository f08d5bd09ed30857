package org.quipu.node;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Message rates for the console: every {@value #SAMPLE_SECONDS} s it samples the running totals of
 * messages in (published), out (delivered) and acked, for the whole node over the last ten minutes
 * and per queue over the last five. Totals are counted from committed batches ({@link Traffic});
 * a queue that saw no traffic since the node started costs nothing here (it reads as zeros).
 */
@ApplicationScoped
public class RateHistory {

  public static final int SAMPLE_SECONDS = 5;
  private static final int NODE_SAMPLES = 121;
  private static final int QUEUE_SAMPLES = 61;
  private static final Logger LOG = Logger.getLogger(RateHistory.class.getName());

  /** Messages per second published (in), delivered (out) and acked between two samples ending at {@code atMillis}. */
  public record Rate(long atMillis, double published, double delivered, double acked) {
    static final Rate ZERO = new Rate(0, 0, 0, 0);
  }

  private record Sample(long atMillis, long in, long out, long acked) {}

  @Inject Node node;

  private final AtomicLongArray nodeTotals = new AtomicLongArray(3);
  private final Map<String, AtomicLongArray> queueTotals = new ConcurrentHashMap<>();
  private final Deque<Sample> nodeSamples = new ArrayDeque<>();
  private final Map<String, Deque<Sample>> queueSamples = new ConcurrentHashMap<>();
  private ScheduledExecutorService sampler;
  private volatile long lastTick = System.currentTimeMillis();

  /** Runs after {@link Node#start}, once the write path exists. */
  void start(
      @Observes @Priority(Interceptor.Priority.APPLICATION + 700) @Initialized(ApplicationScoped.class)
          Object applicationStarted) {
    node.writes().observe((entries, outcomes, nanos) ->
        Traffic.of(entries, outcomes, node::subscriptionTarget, flow -> {
          int index = flow.kind().ordinal();
          nodeTotals.addAndGet(index, flow.count());
          queueTotals.computeIfAbsent(flow.queue(), q -> new AtomicLongArray(3))
              .addAndGet(index, flow.count());
        }));
    sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-rates");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    if (sampler != null) {
      sampler.shutdownNow();
    }
  }

  private void sample() {
    try {
      long now = System.currentTimeMillis();
      synchronized (nodeSamples) {
        append(nodeSamples, sample(now, nodeTotals), NODE_SAMPLES);
      }
      Set<String> existing = node.state().read(b -> b.queueNames());
      queueTotals.keySet().retainAll(existing);
      queueSamples.keySet().retainAll(existing);
      long previousTick = lastTick;
      lastTick = now;
      queueTotals.forEach((queue, totals) -> {
        // A queue's first traffic started from zero at the previous tick.
        Deque<Sample> samples = queueSamples.computeIfAbsent(queue,
            q -> new ArrayDeque<>(List.of(new Sample(previousTick, 0, 0, 0))));
        synchronized (samples) {
          append(samples, sample(now, totals), QUEUE_SAMPLES);
        }
      });
    } catch (RuntimeException e) {
      // Sampling must keep going: the next tick tries again.
      LOG.log(Level.WARNING, "sampling message rates failed", e);
    }
  }

  private static Sample sample(long now, AtomicLongArray totals) {
    return new Sample(now, totals.get(0), totals.get(1), totals.get(2));
  }

  private static void append(Deque<Sample> samples, Sample sample, int keep) {
    samples.addLast(sample);
    while (samples.size() > keep) {
      samples.removeFirst();
    }
  }

  /** The node's rates over the last ten minutes, oldest first. */
  public List<Rate> nodeRates() {
    synchronized (nodeSamples) {
      return rates(nodeSamples);
    }
  }

  /**
   * One queue's rates over the last five minutes, oldest first. A queue reads zero at every sample
   * before its first traffic (since this node started), so an idle queue's chart shows zeros
   * rather than nothing.
   */
  public List<Rate> queueRates(String queue) {
    List<Rate> own = List.of();
    Deque<Sample> samples = queueSamples.get(queue);
    if (samples != null) {
      synchronized (samples) {
        own = rates(samples);
      }
    }
    long firstOwn = own.isEmpty() ? Long.MAX_VALUE : own.get(0).atMillis();
    List<Rate> all = new ArrayList<>(QUEUE_SAMPLES);
    synchronized (nodeSamples) {
      // The node's samples and the queues' are taken at the same ticks; the first has no rate.
      nodeSamples.stream().skip(1).mapToLong(Sample::atMillis).filter(t -> t < firstOwn)
          .forEach(t -> all.add(new Rate(t, 0, 0, 0)));
    }
    all.addAll(own);
    return all.size() < QUEUE_SAMPLES ? all : all.subList(all.size() - (QUEUE_SAMPLES - 1), all.size());
  }

  /** A queue's rate over the last sampling interval. */
  public Rate currentRate(String queue) {
    Deque<Sample> samples = queueSamples.get(queue);
    if (samples == null) {
      return Rate.ZERO;
    }
    synchronized (samples) {
      if (samples.size() < 2) {
        return Rate.ZERO;
      }
      Sample last = samples.removeLast();
      Sample before = samples.peekLast();
      samples.addLast(last);
      return rate(before, last);
    }
  }

  private static List<Rate> rates(Deque<Sample> samples) {
    List<Rate> rates = new ArrayList<>(samples.size());
    Sample previous = null;
    for (Sample s : samples) {
      if (previous != null) {
        rates.add(rate(previous, s));
      }
      previous = s;
    }
    return rates;
  }

  private static Rate rate(Sample from, Sample to) {
    double seconds = Math.max(1, to.atMillis() - from.atMillis()) / 1000.0;
    return new Rate(to.atMillis(), (to.in() - from.in()) / seconds,
        (to.out() - from.out()) / seconds, (to.acked() - from.acked()) / seconds);
  }
}
