package org.quipu.fault;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Producers, consumers and a reader on one queue through NGINX, each writing down every operation
 * as it was invoked and how it ended: ok, failed (a definite refusal) or unknown (no answer, a
 * 5xx, a timeout — the write may or may not have happened). Every write carries an
 * {@code Idempotency-Key} and is retried with the same key while its outcome is unknown, so a
 * retry after a failover gets the first answer instead of writing twice. The {@link Checker}
 * reads the history afterwards; nothing here judges it.
 *
 * <p>Times are {@link System#nanoTime} readings of the test JVM; every process runs on this
 * machine, so they order events the same way the nodes' clocks do (DESIGN.md rule 8 stamps each
 * command with its leader's clock).
 */
final class Workload implements AutoCloseable {

  /** How long a consumer holds what it received; the checker's lease rule uses it. */
  static final int VISIBILITY_TIMEOUT_SECONDS = 15;
  /** How long one write is retried (same key) before its outcome is written down as unknown. */
  private static final Duration RETRY_BUDGET = Duration.ofSeconds(30);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long RETRY_PAUSE_MILLIS = 100;
  /** Each producer sends at most this often, so the consumers keep up on two cores. */
  private static final long SEND_PAUSE_MILLIS = 15;

  enum Outcome { OK, FAILED, UNKNOWN }

  /** One send: its key, its body (unique), and, if it was acknowledged, the message id. */
  record Send(String key, String body, long invoked, long completed, Outcome outcome, int status,
      String id) {}

  /** One message handed to a consumer (a 200 of a receive), with its receipt. */
  record Delivery(String id, String body, String receipt, long invoked, long completed,
      String consumer) {}

  /** One message's ack (sent with the others of its receive): OK only when it surely happened. */
  record Ack(String id, String receipt, long invoked, long completed, Outcome outcome, int status) {}

  /**
   * One HTTP attempt of a write or read: when it started and ended, its status (-1: none), and
   * whether it was answered as problem+json or as a degraded read ({@code X-Quipu-Degraded}).
   */
  record Attempt(String kind, long started, long ended, int status, boolean problemJson,
      boolean degraded) {}

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();
  private final URI api;
  private final String token;
  private final String queue;
  private final int producers;
  private final int consumers;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean producing = true;
  private volatile boolean consuming = true;

  final Queue<Send> sends = new ConcurrentLinkedQueue<>();
  final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
  final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
  final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final Map<String, Throwable> crashed = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  /** The highest X-Quipu-Applied-Seq of any answer: how fresh the drain's last read must be. */
  private final AtomicLong highestSeq = new AtomicLong();

  Workload(URI publicUrl, String token, String queue, int producers, int consumers) {
    this.api = publicUrl.resolve("api/v1/");
    this.token = token;
    this.queue = queue;
    this.producers = producers;
    this.consumers = consumers;
  }

  void start() {
    for (int i = 0; i < producers; i++) {
      threads.add(new Thread(this::produce, "fault-producer-" + i));
    }
    for (int i = 0; i < consumers; i++) {
      String name = "consumer-" + i;
      threads.add(new Thread(() -> consume(name), "fault-" + name));
    }
    threads.add(new Thread(this::read, "fault-reader"));
    for (Thread thread : threads) {
      thread.setUncaughtExceptionHandler((t, e) -> crashed.put(t.getName(), e));
      thread.start();
    }
  }

  /** Stops sending; consumers go on until the queue is empty and nothing is in flight. */
  void stopProducing() {
    producing = false;
  }

  /**
   * Stops everything once the queue is drained: nothing ready, delayed or in flight for
   * {@code atMost} (a lease lost with an unknown receive comes back after the visibility timeout).
   *
   * @return whether the queue was seen empty
   */
  boolean drain(Duration atMost) throws InterruptedException {
    stopProducing();
    long deadline = System.nanoTime() + atMost.toNanos();
    boolean empty = false;
    while (System.nanoTime() < deadline && !empty) {
      Thread.sleep(500);
      empty = queueEmpty() && sleepThen(1_000) && queueEmpty(); // twice, a second apart
    }
    close();
    return empty;
  }

  @Override
  public void close() {
    producing = false;
    consuming = false;
    for (Thread thread : threads) {
      try {
        thread.join(RETRY_BUDGET.plus(REQUEST_TIMEOUT).toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  Map<String, Throwable> crashed() {
    return crashed;
  }

  String queue() {
    return queue;
  }

  /**
   * How long sends stood still around a fault, in nanoseconds: the longest gap between
   * consecutive sends answered 2xx from a second before the drill was sent ({@code sent}) until
   * the first send started after it returned ({@code returned}) was answered. The series starts at
   * the last 2xx answer before that second (or at its start, if none came before), so that a stall
   * already under way a second before the drill still counts whole. The drill's own time (a kill
   * waits until the process is gone) cannot hide the gap, nor inflate it. -1 while no send started
   * after {@code returned} was answered.
   */
  long sendStall(long sent, long returned) {
    long after = firstSuccessAfter("send", returned);
    if (after < 0) {
      return -1;
    }
    long from = sent - TimeUnit.SECONDS.toNanos(1);
    long start = attempts.stream()
        .filter(a -> a.kind().equals("send") && a.status() / 100 == 2 && a.ended() <= from)
        .mapToLong(Attempt::ended).max().orElse(from);
    long[] ends = attempts.stream()
        .filter(a -> a.kind().equals("send") && a.status() / 100 == 2 && a.ended() > start
            && a.ended() <= after)
        .mapToLong(Attempt::ended).sorted().toArray();
    long gap = 0;
    long previous = start;
    for (long end : ends) {
      gap = Math.max(gap, end - previous);
      previous = end;
    }
    return gap;
  }

  /** The first write attempt of {@code kind} answered 2xx that started at or after {@code from}. */
  long firstSuccessAfter(String kind, long from) {
    return attempts.stream()
        .filter(a -> a.kind().equals(kind) && a.started() >= from && a.status() / 100 == 2)
        .mapToLong(Attempt::ended).min().orElse(-1);
  }

  // --- the clients ---------------------------------------------------------------------------------

  private void produce() {
    while (producing) {
      String key = UUID.randomUUID().toString();
      String body = "fault-" + sequence.incrementAndGet() + "-" + key;
      String json = Json.createObjectBuilder().add("body", body).build().toString();
      long invoked = System.nanoTime();
      Answer answer = write("send", "POST", "queues/" + queue + "/messages", json, key);
      long completed = System.nanoTime();
      String id = answer.status() == 201 ? answer.object().getString("id") : null;
      sends.add(new Send(key, body, invoked, completed, answer.outcome(), answer.status(), id));
      pause(SEND_PAUSE_MILLIS);
    }
  }

  private void consume(String consumer) {
    while (consuming) {
      String key = UUID.randomUUID().toString();
      String json = Json.createObjectBuilder().add("max", 10).add("waitSeconds", 1)
          .add("visibilityTimeoutSeconds", VISIBILITY_TIMEOUT_SECONDS).build().toString();
      long invoked = System.nanoTime();
      Answer answer = write("receive", "POST", "queues/" + queue + "/messages:receive", json, key);
      long completed = System.nanoTime();
      if (answer.status() != 200) {
        pause(RETRY_PAUSE_MILLIS);
        continue;
      }
      List<Delivery> received = new ArrayList<>();
      for (JsonValue value : answer.array()) {
        JsonObject message = value.asJsonObject();
        Delivery delivery = new Delivery(message.getString("id"), message.getString("body"),
            message.getString("receipt"), invoked, completed, consumer);
        deliveries.add(delivery);
        received.add(delivery);
      }
      if (received.isEmpty()) {
        continue;
      }
      // One ack of them all (ack-many): OK for each when every receipt was acked, else unknown
      // for each (the answer counts the stale receipts but does not name them).
      jakarta.json.JsonArrayBuilder receipts = Json.createArrayBuilder();
      received.forEach(d -> receipts.add(d.receipt()));
      long ackInvoked = System.nanoTime();
      Answer ack = write("ack", "POST", "queues/" + queue + "/messages:ack",
          Json.createObjectBuilder().add("receipts", receipts).build().toString(),
          UUID.randomUUID().toString());
      long ackCompleted = System.nanoTime();
      boolean all = ack.status() == 200 && ack.object().getInt("acked") == received.size();
      for (Delivery delivery : received) {
        acks.add(new Ack(delivery.id(), delivery.receipt(), ackInvoked, ackCompleted,
            all ? Outcome.OK : Outcome.UNKNOWN, ack.status()));
      }
    }
  }

  /** Reads the queue's counters all along, to see what a read gets while nodes are down. */
  private void read() {
    while (consuming) {
      request("read", "GET", "queues/" + queue, null, null);
      pause(100);
    }
  }

  /** The queue's counters as a state at least as fresh as every answer seen reports them. */
  String freshCounters() {
    Answer answer = request("read", "GET", "queues/" + queue, null, null,
        "X-Quipu-Min-Seq", Long.toString(highestSeq.get()));
    return answer.status() + " " + answer.body();
  }

  /**
   * Whether the queue holds nothing ready, delayed or in flight, read from a state at least as
   * fresh as every answer this workload has seen ({@code X-Quipu-Min-Seq}): a follower a few
   * entries behind would report a message leased by a receive whose answer was lost as gone, and
   * the drain would stop before its lease ran out and it came back.
   */
  private boolean queueEmpty() {
    Answer answer = request("read", "GET", "queues/" + queue, null, null,
        "X-Quipu-Min-Seq", Long.toString(highestSeq.get()));
    if (answer.status() != 200) {
      return false;
    }
    JsonObject counters = answer.object();
    return counters.getInt("depth") == 0 && counters.getInt("inFlight") == 0
        && counters.getInt("delayed") == 0;
  }

  /**
   * One write with its key, retried with the same key while its outcome is unknown and the retry
   * budget lasts. A definite answer (2xx, or a 4xx refusal) ends it.
   */
  private Answer write(String kind, String method, String path, String json, String key) {
    long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
    Answer answer;
    do {
      answer = request(kind, method, path, json, key);
      if (answer.outcome() != Outcome.UNKNOWN) {
        return answer;
      }
      pause(RETRY_PAUSE_MILLIS);
    } while (System.nanoTime() < deadline && (producing || consuming));
    return answer;
  }

  private Answer request(String kind, String method, String path, String json, String key,
      String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(api.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + token);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    if (key != null) {
      builder.header("Idempotency-Key", key);
    }
    if (json != null) {
      builder.header("Content-Type", "application/json");
    }
    builder.method(method, json == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    long started = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(builder.build(),
          HttpResponse.BodyHandlers.ofString());
      boolean problem = response.headers().firstValue("Content-Type")
          .filter(type -> type.startsWith("application/problem+json")).isPresent();
      boolean degraded = response.headers().firstValue("X-Quipu-Degraded").isPresent();
      response.headers().firstValue("X-Quipu-Applied-Seq")
          .ifPresent(seq -> highestSeq.accumulateAndGet(Long.parseLong(seq), Math::max));
      attempts.add(new Attempt(kind, started, System.nanoTime(), response.statusCode(), problem,
          degraded));
      return new Answer(response.statusCode(), response.body());
    } catch (IOException noAnswer) { // refused, reset, timed out: the outcome is unknown
      attempts.add(new Attempt(kind, started, System.nanoTime(), -1, false, false));
      return new Answer(-1, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, null);
    }
  }

  private static boolean sleepThen(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return true;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What one request got: its status (-1: no answer) and body. */
  private record Answer(int status, String body) {

    /** 2xx ok; 5xx, 429, 408 and no answer unknown; any other 4xx a definite refusal. */
    Outcome outcome() {
      if (status / 100 == 2) {
        return Outcome.OK;
      }
      Predicate<Integer> retryable = s -> s == -1 || s >= 500 || s == 429 || s == 408;
      return retryable.test(status) ? Outcome.UNKNOWN : Outcome.FAILED;
    }

    JsonObject object() {
      try (JsonReader reader = Json.createReader(new StringReader(body))) {
        return reader.readObject();
      }
    }

    jakarta.json.JsonArray array() {
      try (JsonReader reader = Json.createReader(new StringReader(body))) {
        return reader.readArray();
      }
    }
  }
}
