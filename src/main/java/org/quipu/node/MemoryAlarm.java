package org.quipu.node;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The node's memory alarm, as RabbitMQ's memory high watermark blocks publishers: while the heap
 * still in use after a garbage collection is above a configured share of the maximum heap, the
 * node refuses new messages (sends and publishes: 503 with {@code Retry-After}); receives, acks
 * and deletes go on, so consumers can drain what raised it. The alarm clears below a lower mark
 * (hysteresis, so it does not flap at the line), and shows in {@code /health}, the metrics and the
 * console.
 *
 * <p>The reading is the heap in use right after each collection (the JVM's GC notifications),
 * not the heap in use now, which counts garbage and would raise the alarm on any busy node. After
 * a young collection the old generation may still hold garbage that only a later cycle reclaims
 * (a node filled to 1.8 million messages read 80 % after young collections and 65 % after a full
 * one), so a young reading above the watermark asks for a full collection, at most once per
 * {@link #CONFIRM_NANOS}, and the alarm goes off on what that one reads; only a young reading
 * halfway from the watermark to a full heap raises it at once. While
 * raised, the heap in use now is also checked every second: it is never below the live heap, so
 * when it is under the lower mark the alarm clears without waiting for the next collection. And
 * a raised alarm on a node that has gone quiet (no collection for {@link #QUIET_NANOS}) asks the
 * JVM for one: the garbage left by drained queues would otherwise keep publishers out until
 * something else allocated enough to trigger it. A busy node collects by itself and is never asked.
 */
public final class MemoryAlarm implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(MemoryAlarm.class.getName());
  /** The alarm clears this share of the heap below the high watermark. */
  static final double HYSTERESIS = 0.05;
  /** A young reading above the watermark asks for a full collection at most this often. */
  static final long CONFIRM_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** A raised alarm with no collection for this long asks for one. */
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final double highWatermark;
  private final double lowWatermark;
  /** A young reading above this raises the alarm without waiting for a full collection. */
  private final double certainWatermark;
  private volatile Runnable askForFullCollection = () -> { };
  private long lastConfirmNanos = System.nanoTime() - CONFIRM_NANOS;
  private final List<Runnable> detach = new ArrayList<>();
  private volatile boolean raised;
  private volatile double usedAfterGc;
  private volatile long lastCollectionNanos = System.nanoTime();

  /** @param highWatermark the share of the maximum heap (0 to 1) above which sends are refused */
  public MemoryAlarm(double highWatermark) {
    if (!(highWatermark > 0 && highWatermark <= 1)) {
      throw new IllegalArgumentException(
          "the memory high watermark is a share of the heap above 0 and at most 1, not "
              + highWatermark);
    }
    this.highWatermark = highWatermark;
    this.lowWatermark = Math.max(0, highWatermark - HYSTERESIS);
    this.certainWatermark = highWatermark + (1 - highWatermark) / 2;
  }

  /** Listens to this JVM's collections and polls while raised; {@link #close} stops both. */
  public MemoryAlarm watchThisJvm() {
    Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .map(MemoryPoolMXBean::getName)
        .collect(Collectors.toSet());
    long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    NotificationListener afterGc = (notification, handback) -> afterCollection(notification,
        heapPools, max);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(afterGc, null, null);
        detach.add(() -> removeQuietly(emitter, afterGc));
      }
    }
    ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-memory-alarm");
      t.setDaemon(true);
      return t;
    });
    poll.scheduleWithFixedDelay(this::whileRaised, 1, 1, TimeUnit.SECONDS);
    askForFullCollection = () -> poll.execute(() -> {
      LOG.info("heap above the memory watermark after a young collection: a full collection"
          + " tells live data from garbage");
      System.gc(); // NOPMD: at most once per CONFIRM_NANOS, only near the watermark
    });
    detach.add(poll::shutdownNow);
    return this;
  }

  private void whileRaised() {
    if (!raised) {
      return;
    }
    MemoryUsage now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    if (now.getMax() > 0 && (double) now.getUsed() / now.getMax() < lowWatermark) {
      update(now.getUsed(), now.getMax(), true);
    } else if (System.nanoTime() - lastCollectionNanos > QUIET_NANOS) {
      lastCollectionNanos = System.nanoTime();
      LOG.info("memory alarm raised on a quiet node: asking the JVM to collect");
      System.gc(); // NOPMD: only while raised and idle, at most once per QUIET_NANOS
    }
  }

  private static void removeQuietly(NotificationEmitter emitter, NotificationListener listener) {
    try {
      emitter.removeNotificationListener(listener);
    } catch (ListenerNotFoundException alreadyGone) {
      LOG.fine("GC listener already removed");
    }
  }

  private void afterCollection(Notification notification, Set<String> heapPools, long max) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
        .equals(notification.getType())) {
      return;
    }
    lastCollectionNanos = System.nanoTime();
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    update(used, max, "end of major GC".equals(info.getGcAction()));
  }

  /**
   * Takes a reading of the heap in use after a collection against the maximum heap; {@code
   * exact} when nothing but live data can be left in it (a full collection, or the heap in use
   * now below the lower mark).
   */
  void update(long used, long max, boolean exact) {
    if (max <= 0) {
      return; // no maximum heap: nothing to measure against
    }
    double share = (double) used / max;
    usedAfterGc = share;
    if (!raised && share > highWatermark && !exact && share <= certainWatermark) {
      confirm();
      return;
    }
    if (!raised && share > highWatermark) {
      raised = true;
      LOG.warning(String.format("memory alarm raised: %.0f%% of the heap in use after a"
          + " collection, above the %.0f%% watermark; new messages are refused",
          share * 100, highWatermark * 100));
    } else if (raised && share < lowWatermark) {
      raised = false;
      LOG.info(String.format("memory alarm cleared: %.0f%% of the heap in use", share * 100));
    }
  }

  private synchronized void confirm() {
    long now = System.nanoTime();
    if (now - lastConfirmNanos >= CONFIRM_NANOS) {
      lastConfirmNanos = now;
      askForFullCollection.run();
    }
  }

  /** For tests: what to do when a young reading needs confirming. */
  void onConfirm(Runnable action) {
    this.askForFullCollection = action;
  }

  /** True while new messages are refused. */
  public boolean raised() {
    return raised;
  }

  /** The share of the maximum heap in use after the last collection (0 before the first). */
  public double usedAfterGc() {
    return usedAfterGc;
  }

  public double highWatermark() {
    return highWatermark;
  }

  @Override
  public void close() {
    detach.forEach(Runnable::run);
    detach.clear();
  }
}
