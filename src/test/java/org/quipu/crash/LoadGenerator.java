package org.quipu.crash;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.quipu.it.Api;

/**
 * Concurrent senders and one consumer on one queue, for a bounded time and a bounded number of
 * sends, that write down what the broker acknowledged: the id of every send answered 201 and of
 * every message whose ack was answered 204. An outcome the client could not learn (a broken
 * connection, a 5xx) is counted as unknown, never as a success; a crash in the middle is expected.
 *
 * <p>The consumer leases for {@value #LEASE_SECONDS} s, so what it had leased when the crash came
 * is visible again soon after.
 */
final class LoadGenerator {

  static final int LEASE_SECONDS = 10;
  private static final long BACKOFF_MILLIS = 50;

  private final Api api;
  private final String queue;
  private final int senders;
  private final int maxSends;
  private final Duration maxDuration;
  private volatile long startNanos;
  private volatile long deadlineNanos;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  private final AtomicInteger sendAttempts = new AtomicInteger();
  private final AtomicInteger unacknowledgedSends = new AtomicInteger();
  private final AtomicInteger transportErrors = new AtomicInteger();
  private final Set<String> sent = ConcurrentHashMap.newKeySet();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> ackOutcomeUnknown = ConcurrentHashMap.newKeySet();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final Map<String, Throwable> crashed = new ConcurrentHashMap<>();

  /** What the load saw; {@code statuses} counts every HTTP status answered, sends and consumer. */
  record Result(
      Set<String> sent,
      int unacknowledgedSends,
      Set<String> acked,
      Set<String> ackOutcomeUnknown,
      int transportErrors,
      Map<Integer, Integer> statuses) {}

  LoadGenerator(Api api, String queue, int senders, Duration maxDuration, int maxSends) {
    this.api = api;
    this.queue = queue;
    this.senders = senders;
    this.maxSends = maxSends;
    this.maxDuration = maxDuration;
  }

  void start() {
    startNanos = System.nanoTime();
    deadlineNanos = startNanos + maxDuration.toNanos();
    for (int i = 0; i < senders; i++) {
      int sender = i;
      threads.add(new Thread(() -> send(sender), "load-sender-" + i));
    }
    threads.add(new Thread(this::consume, "load-consumer"));
    for (Thread thread : threads) {
      thread.setUncaughtExceptionHandler((t, e) -> crashed.put(t.getName(), e));
      thread.start();
    }
  }

  /** Stops every thread and waits for it; a request in flight ends within the client's timeout. */
  Result stop() {
    stopping = true;
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(45).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not stop");
      }
    }
    if (!crashed.isEmpty()) {
      var entry = crashed.entrySet().iterator().next();
      throw new AssertionError("load thread " + entry.getKey() + " failed", entry.getValue());
    }
    Map<Integer, Integer> seen = new TreeMap<>();
    statuses.forEach((status, count) -> seen.put(status, count.get()));
    return new Result(Set.copyOf(sent), unacknowledgedSends.get(), Set.copyOf(acked),
        Set.copyOf(ackOutcomeUnknown), transportErrors.get(), seen);
  }

  int acknowledgedSends() {
    return sent.size();
  }

  int acks() {
    return acked.size();
  }

  int transportErrors() {
    return transportErrors.get();
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  @Override
  public String toString() {
    return String.format(
        "%d sends in %d ms: %d acknowledged, %d acks, %d transport errors, statuses %s",
        Math.min(sendAttempts.get(), maxSends), elapsed().toMillis(), sent.size(), acked.size(),
        transportErrors.get(), statuses);
  }

  /** True until the time or send budget ran out (or {@link #stop} was called). */
  boolean running() {
    return !over() && sendAttempts.get() < maxSends;
  }

  private boolean over() {
    return stopping || System.nanoTime() - deadlineNanos > 0;
  }

  private void send(int sender) {
    int n = 0;
    while (!over() && sendAttempts.incrementAndGet() <= maxSends) {
      JsonObject message = Json.createObjectBuilder().add("body", "s" + sender + "-" + n++).build();
      try {
        Api.Reply reply = api.post("queues/" + queue + "/messages", message);
        count(reply.status());
        if (reply.status() == 201) {
          sent.add(reply.object().getString("id"));
          continue;
        }
        unacknowledgedSends.incrementAndGet();
      } catch (UncheckedIOException connectionFailed) {
        transportErrors.incrementAndGet();
        unacknowledgedSends.incrementAndGet();
      }
      pause();
    }
  }

  private void consume() {
    JsonObject receive =
        Json.createObjectBuilder()
            .add("max", 10)
            .add("waitSeconds", 1)
            .add("visibilityTimeoutSeconds", LEASE_SECONDS)
            .build();
    while (!over()) {
      try {
        Api.Reply reply = api.post("queues/" + queue + "/messages:receive", receive);
        count(reply.status());
        if (reply.status() != 200) {
          pause();
          continue;
        }
        for (JsonValue value : reply.array()) {
          JsonObject m = value.asJsonObject();
          ack(m.getString("id"), m.getString("receipt"));
        }
      } catch (UncheckedIOException connectionFailed) {
        transportErrors.incrementAndGet();
        pause();
      }
    }
  }

  private void ack(String id, String receipt) {
    try {
      Api.Reply reply = api.delete("queues/" + queue + "/messages/" + receipt);
      count(reply.status());
      if (reply.status() == 204) {
        acked.add(id);
      } else if (reply.status() >= 500) {
        ackOutcomeUnknown.add(id); // e.g. the commit's answer was lost with the database
      }
      // 4xx: the lease had passed on, so certainly not acked; the message is still pending.
    } catch (UncheckedIOException connectionFailed) {
      transportErrors.incrementAndGet();
      ackOutcomeUnknown.add(id);
    }
  }

  private void count(int status) {
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
  }

  private static void pause() {
    try {
      Thread.sleep(BACKOFF_MILLIS); // back off from a node that is down, not a wait for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
