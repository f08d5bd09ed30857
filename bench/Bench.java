/*
 * Bench: Quipu's own load generator. Run it with `./quipu bench`, or directly with
 * `QUIPU_ADMIN_PASSWORD=... java bench/Bench.java --help` (Java 17 source-file mode, JDK only).
 *
 * What it measures, against one node running on this machine (any URL that is not loopback is
 * refused, so it can never load someone else's server):
 *   single  64 clients each POST one ~100-byte message at a time to /queues/{q}/messages,
 *           20,000 messages in all: messages per second, and p50/p99/max latency of one send.
 *   batch   8 clients POST 100 messages at a time to /queues/{q}/messages:batch, 2,000 batches
 *           (200,000 messages): messages per second, and p50/p99/max latency of one batch.
 *   e2e     16 producers send 20,000 messages, each body carrying a sequence number and the
 *           moment its send began, while 16 consumers long-poll messages:receive (max 10, wait 1 s)
 *           and ack each batch with messages:ack. It counts messages received, duplicates (one
 *           message id delivered twice) and lost messages (a send answered 2xx whose id never
 *           arrived, after waiting until every one arrived or 60 s passed with none arriving), and
 *           reports end-to-end messages per second and p50/p99/max send-to-receive latency.
 *
 * How: one java.net.http.HttpClient (HTTP/1.1, kept-alive connections) shared by a fixed pool of
 * platform threads; each thread runs a closed loop (send, wait for the answer, send again), so the
 * concurrency is exactly the client count. It logs in once as admin (password from the environment
 * variable QUIPU_ADMIN_PASSWORD) and sends the bearer token on every request. Each scenario creates
 * a fresh queue bench-<scenario>-<epoch ms>, warms up with a few hundred requests that are not
 * measured, measures, then deletes the queue with ?force=true. Latency is the wall time of one HTTP
 * exchange (System.nanoTime) for 2xx answers; non-2xx answers, I/O errors and malformed answers are
 * counted per scenario and printed with a sample, never dropped. single and batch also compare the
 * queue's size with the number of messages the node acknowledged, so a loss shows there too. Every
 * phase is bounded by its count and by --seconds, and traffic goes to the given loopback URL only.
 *
 * Exit status: 0 when no message was lost, 1 when any was, 2 on bad usage or a setup failure (no
 * node, bad password, a queue that cannot be created). Missing a throughput target is shown in the
 * table but does not fail the run: the figures depend on the machine, and this client shares its
 * CPUs with the node it measures.
 */

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

public final class Bench {

  static final int BODY_BYTES = 100;
  static final int BATCH_SIZE = 100;
  static final double SINGLE_TARGET_RATE = 3_000;
  static final double SINGLE_TARGET_P99_MS = 50;
  static final double BATCH_TARGET_RATE = 30_000;
  static final Duration WARMUP_LIMIT = Duration.ofSeconds(30);
  static final Duration E2E_IDLE = Duration.ofSeconds(60);

  private final Options options;
  private final Api api;

  private Bench(Options options, Api api) {
    this.options = options;
    this.api = api;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(Options.USAGE);
      return;
    }
    System.exit(run(options));
  }

  private static int run(Options options) throws InterruptedException {
    URI base;
    try {
      base = loopbackBase(options.url);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    String password = System.getenv("QUIPU_ADMIN_PASSWORD");
    if (password == null || password.isEmpty()) {
      System.err.println("bench: set QUIPU_ADMIN_PASSWORD to the admin password"
          + " (./quipu bench does this from .run/admin-password)");
      return 2;
    }
    Api api = new Api(base);
    try {
      api.login("admin", password);
    } catch (SetupException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    System.out.printf("Quipu bench against %s as admin; %d CPUs here, shared with the node.%n",
        base, Runtime.getRuntime().availableProcessors());

    Bench bench = new Bench(options, api);
    List<Result> results = new ArrayList<>();
    boolean setupFailed = false;
    for (String scenario : options.scenarios()) {
      try {
        results.add(switch (scenario) {
          case "single" -> bench.single();
          case "batch" -> bench.batch();
          case "e2e" -> bench.endToEnd();
          default -> throw new IllegalStateException(scenario);
        });
      } catch (SetupException e) {
        System.out.println("  " + scenario + " could not run: " + e.getMessage());
        setupFailed = true;
      }
    }
    api.logout();
    printTable(results);
    long lost = results.stream().mapToLong(r -> r.lost).sum();
    if (lost > 0) {
      System.out.printf("%nFAILED: %,d message(s) lost.%n", lost);
      return 1;
    }
    return setupFailed ? 2 : 0;
  }

  // --- scenario 1: single sends ------------------------------------------------------------------

  private Result single() throws SetupException, InterruptedException {
    int clients = options.clientsOr(64);
    int count = options.countOr(20_000);
    String queue = api.createQueue("single");
    System.out.printf("%n== single: %d clients, %,d sends of one %d-byte message to %s%n",
        clients, count, BODY_BYTES, queue);
    String path = "/api/v1/queues/" + queue + "/messages";
    try {
      Tally warmTally = new Tally();
      LongAdder warmSent = new LongAdder();
      Phase warm = runPhase("warmup", clients, options.warmup, WARMUP_LIMIT,
          sendOne(path, "warmup", warmTally, warmSent));
      printWarmup(warm, warmTally);

      Tally tally = new Tally();
      LongAdder sent = new LongAdder();
      Phase phase = runPhase("single", clients, count, options.limit(),
          sendOne(path, "single", tally, sent));
      long lost = checkQueueSize(queue, warmSent.sum() + sent.sum(), tally);
      Result result = new Result("single", String.valueOf(clients), sent.sum(),
          phase.seconds(), phase.latencies, tally, lost, 0, phase.cutShort,
          String.format("≥ %,.0f msgs/s, p99 ≤ %.0f ms", SINGLE_TARGET_RATE, SINGLE_TARGET_P99_MS));
      result.met = result.rate() >= SINGLE_TARGET_RATE
          && result.latencies.percentileMs(0.99) <= SINGLE_TARGET_P99_MS;
      printDetails(result, "per send");
      return result;
    } finally {
      api.deleteQueue(queue);
    }
  }

  private Task sendOne(String path, String label, Tally tally, LongAdder sent) {
    return (i, latencies) -> {
      String json = "{\"body\":" + Json.quote(filler(label + " #" + i + " ")) + "}";
      Reply reply = api.call("send", "POST", path, json, tally);
      if (reply == null || !reply.ok()) {
        return;
      }
      if (Json.str(reply.json(), "id") == null) {
        tally.problem("send", "2xx answer without an id: " + abbreviate(reply.body));
        return;
      }
      sent.increment();
      latencies.add(reply.nanos);
    };
  }

  // --- scenario 2: batch sends -------------------------------------------------------------------

  private Result batch() throws SetupException, InterruptedException {
    int clients = options.clientsOr(8);
    int batches = options.countOr(2_000);
    String queue = api.createQueue("batch");
    System.out.printf("%n== batch: %d clients, %,d batches of %d messages of %d bytes to %s%n",
        clients, batches, BATCH_SIZE, BODY_BYTES, queue);
    String path = "/api/v1/queues/" + queue + "/messages:batch";
    try {
      Tally warmTally = new Tally();
      LongAdder warmSent = new LongAdder();
      Phase warm = runPhase("warmup", clients, options.warmup, WARMUP_LIMIT,
          sendBatch(path, "warmup", warmTally, warmSent));
      printWarmup(warm, warmTally);

      Tally tally = new Tally();
      LongAdder sent = new LongAdder();
      Phase phase = runPhase("batch", clients, batches, options.limit(),
          sendBatch(path, "batch", tally, sent));
      long lost = checkQueueSize(queue, warmSent.sum() + sent.sum(), tally);
      Result result = new Result("batch", String.valueOf(clients), sent.sum(), phase.seconds(),
          phase.latencies, tally, lost, 0, phase.cutShort,
          String.format("≥ %,.0f msgs/s", BATCH_TARGET_RATE));
      result.met = result.rate() >= BATCH_TARGET_RATE;
      printDetails(result, "per batch of " + BATCH_SIZE);
      return result;
    } finally {
      api.deleteQueue(queue);
    }
  }

  private Task sendBatch(String path, String label, Tally tally, LongAdder sent) {
    return (i, latencies) -> {
      StringBuilder json = new StringBuilder(BATCH_SIZE * (BODY_BYTES + 16)).append("{\"messages\":[");
      for (int m = 0; m < BATCH_SIZE; m++) {
        if (m > 0) {
          json.append(',');
        }
        json.append("{\"body\":").append(Json.quote(filler(label + " #" + i + "." + m + " ")))
            .append('}');
      }
      json.append("]}");
      Reply reply = api.call("batch", "POST", path, json.toString(), tally);
      if (reply == null || !reply.ok()) {
        return;
      }
      List<?> ids = Json.list(reply.json(), "ids");
      if (ids == null || ids.size() != BATCH_SIZE) {
        tally.problem("batch", "2xx answer without " + BATCH_SIZE + " ids: " + abbreviate(reply.body));
        return;
      }
      sent.add(ids.size());
      latencies.add(reply.nanos);
    };
  }

  /**
   * Compares what the queue holds with what the node acknowledged as sent; returns how many
   * acknowledged messages are missing. More than expected is possible (a send that timed out here
   * but committed there) and is only reported.
   */
  private long checkQueueSize(String queue, long expected, Tally tally) {
    Reply reply = api.call("inspect", "GET", "/api/v1/queues/" + queue, null, tally);
    if (reply == null || !reply.ok()) {
      System.out.println("  queue size check: could not read the queue (see errors)");
      return 0;
    }
    Object json = reply.json();
    long held = Json.num(json, "depth", 0) + Json.num(json, "inFlight", 0)
        + Json.num(json, "delayed", 0);
    System.out.printf("  queue size check: the queue holds %,d messages; %,d were acknowledged as"
        + " sent (warm-up included)%s%n", held, expected,
        held == expected ? "" : held < expected ? "  <-- MISSING" : "  (more than acknowledged)");
    return Math.max(0, expected - held);
  }

  // --- scenario 3: produce and consume end to end ------------------------------------------------

  private Result endToEnd() throws SetupException, InterruptedException {
    int clients = options.clientsOr(16);
    int count = options.countOr(20_000);
    String queue = api.createQueue("e2e");
    System.out.printf("%n== e2e: %d producers and %d consumers, %,d messages through %s%n",
        clients, clients, count, queue);
    try {
      EndToEnd warm = new EndToEnd(queue, "w" + System.nanoTime(), options.warmup, clients,
          WARMUP_LIMIT, Duration.ofSeconds(10));
      warm.execute();
      printWarmup(warm.sendPhase, warm.tally);
      if (warm.lost > 0 || warm.duplicates.sum() > 0) {
        System.out.printf("  warm-up: %d lost, %d duplicates (counted in the table)%n", warm.lost,
            warm.duplicates.sum());
      }

      EndToEnd run = new EndToEnd(queue, "m" + System.nanoTime(), count, clients,
          options.limit(), E2E_IDLE);
      run.execute();
      Phase sends = run.sendPhase;
      System.out.printf("  producers: %,d sends answered 2xx in %.2f s (%,.0f msgs/s; send latency"
              + " p50 %s ms, p99 %s ms)%s%n", run.sent.size(), sends.seconds(),
          run.sent.size() / sends.seconds(), millis(sends.latencies.percentileMs(0.50)),
          millis(sends.latencies.percentileMs(0.99)),
          sends.cutShort ? ", stopped at the time limit" : "");
      System.out.printf("  consumers: %,d received, %,d duplicates, %,d lost, %,d acked,"
              + " %,d stale receipts, %,d not from this run, %,d received but never confirmed"
              + " as sent%n", run.ownReceived.sum(), run.duplicates.sum(), run.lost,
          run.acked.sum(), run.stale.sum(), run.foreign.sum(), run.unconfirmed);
      if (run.drainTimedOut) {
        System.out.println("  consumers: gave up waiting: nothing arrived for "
            + E2E_IDLE.toSeconds() + " s, or the time limit passed");
      }
      // A message lost in the warm-up is as lost as any other: it counts, and fails the run.
      Result result = new Result("e2e", clients + "+" + clients, run.ownReceived.sum(),
          run.seconds(), run.latencies, run.tally, warm.lost + run.lost,
          warm.duplicates.sum() + run.duplicates.sum(), sends.cutShort,
          "lost = 0 (no rate target)");
      result.met = result.lost == 0;
      printDetails(result, "send start to receipt");
      return result;
    } finally {
      api.deleteQueue(queue);
    }
  }

  /**
   * One produce-and-consume run on a queue: producers send {@code count} messages tagged with this
   * run's tag while consumers receive and ack until every message answered 2xx has arrived, or
   * nothing arrived for {@code idle}, or the time limit passed once more after the producers ended.
   */
  private final class EndToEnd {
    final String queue;
    final String tag;
    final int count;
    final int clients;
    final Duration limit;
    final Duration idle;
    final Tally tally = new Tally();
    /** Ids of messages whose send was answered 2xx. */
    final Set<String> sent = ConcurrentHashMap.newKeySet();
    /** Ids of every message delivered at least once, this run's or not. */
    final Set<String> received = ConcurrentHashMap.newKeySet();
    final LongAdder ownReceived = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder foreign = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder stale = new LongAdder();
    /** When the last of this run's messages first arrived (System.nanoTime). */
    final AtomicLong lastArrival = new AtomicLong();
    volatile boolean stop;

    long start;
    Phase sendPhase;
    Latencies latencies;
    long lost;
    long unconfirmed;
    boolean drainTimedOut;

    EndToEnd(String queue, String tag, int count, int clients, Duration limit, Duration idle) {
      this.queue = queue;
      this.tag = tag;
      this.count = count;
      this.clients = clients;
      this.limit = limit;
      this.idle = idle;
    }

    double seconds() {
      return Math.max(1, lastArrival.get() - start) / 1e9;
    }

    void execute() throws InterruptedException {
      ExecutorService consumerPool = Executors.newFixedThreadPool(clients, threads("consume"));
      start = System.nanoTime();
      lastArrival.set(start);
      List<Future<LongList>> consumers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        consumers.add(consumerPool.submit(this::consume));
      }
      String sendPath = "/api/v1/queues/" + queue + "/messages";
      sendPhase = runPhase("produce", clients, count, limit, (i, latencies) -> {
        String body = filler("e2e " + tag + " n=" + i + " t=" + System.nanoTime() + " ");
        Reply reply = api.call("send", "POST", sendPath, "{\"body\":" + Json.quote(body) + "}", tally);
        if (reply == null || !reply.ok()) {
          return;
        }
        String id = Json.str(reply.json(), "id");
        if (id == null) {
          tally.problem("send", "2xx answer without an id: " + abbreviate(reply.body));
          return;
        }
        sent.add(id);
        latencies.add(reply.nanos);
      });

      long producersDone = System.nanoTime();
      while (!allReceived()) {
        long now = System.nanoTime();
        long quietSince = Math.max(lastArrival.get(), producersDone);
        if (now - quietSince > idle.toNanos() || now - producersDone > limit.toNanos()) {
          drainTimedOut = true;
          break;
        }
        Thread.sleep(20);
      }
      stop = true;
      List<LongList> parts = new ArrayList<>();
      for (Future<LongList> consumer : consumers) {
        parts.add(join(consumer));
      }
      consumerPool.shutdown();
      latencies = new Latencies(parts);
      lost = sent.stream().filter(id -> !received.contains(id)).count();
      unconfirmed = ownReceived.sum() - (sent.size() - lost);
    }

    private boolean allReceived() {
      if (ownReceived.sum() < sent.size()) {
        return false;
      }
      for (String id : sent) {
        if (!received.contains(id)) {
          return false;
        }
      }
      return true;
    }

    /** A consumer: receive, note each message, ack the batch; until told to stop. */
    private LongList consume() {
      LongList latencies = new LongList();
      String receivePath = "/api/v1/queues/" + queue + "/messages:receive";
      String ackPath = "/api/v1/queues/" + queue + "/messages:ack";
      while (!stop) {
        Reply reply = api.call("receive", "POST", receivePath, "{\"max\":10,\"waitSeconds\":1}", tally);
        if (reply == null || !reply.ok()) {
          pause(100); // do not spin on a failing node
          continue;
        }
        long now = System.nanoTime();
        if (!(reply.json() instanceof List<?> messages)) {
          tally.problem("receive", "answer is not a JSON array: " + abbreviate(reply.body));
          continue;
        }
        List<String> receipts = new ArrayList<>(messages.size());
        for (Object message : messages) {
          String id = Json.str(message, "id");
          String receipt = Json.str(message, "receipt");
          if (id == null || receipt == null) {
            tally.problem("receive", "a message without id or receipt: " + abbreviate(reply.body));
            continue;
          }
          receipts.add(receipt);
          if (!received.add(id)) {
            duplicates.increment();
            continue;
          }
          long sentAt = sentAt(Json.str(message, "body"));
          if (sentAt < 0) {
            foreign.increment();
            continue;
          }
          ownReceived.increment();
          latencies.add(now - sentAt);
          lastArrival.accumulateAndGet(now, Math::max);
        }
        if (!receipts.isEmpty()) {
          ack(ackPath, receipts);
        }
      }
      return latencies;
    }

    private void ack(String path, List<String> receipts) {
      StringBuilder json = new StringBuilder("{\"receipts\":[");
      for (int r = 0; r < receipts.size(); r++) {
        json.append(r > 0 ? "," : "").append(Json.quote(receipts.get(r)));
      }
      Reply reply = api.call("ack", "POST", path, json.append("]}").toString(), tally);
      if (reply == null || !reply.ok()) {
        return;
      }
      Object answer = reply.json();
      long ok = Json.num(answer, "acked", -1);
      List<?> staleReceipts = Json.list(answer, "stale");
      if (ok < 0 || staleReceipts == null) {
        tally.problem("ack", "answer without acked and stale: " + abbreviate(reply.body));
        return;
      }
      acked.add(ok);
      stale.add(staleReceipts.size());
    }

    /** The send time carried by one of this run's bodies, or -1 for any other body. */
    private long sentAt(String body) {
      String prefix = "e2e " + tag + " ";
      if (body == null || !body.startsWith(prefix)) {
        return -1;
      }
      int from = body.indexOf(" t=", prefix.length());
      int to = from < 0 ? -1 : body.indexOf(' ', from + 3);
      if (to < 0) {
        return -1;
      }
      try {
        return Long.parseLong(body.substring(from + 3, to));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  // --- running phases ----------------------------------------------------------------------------

  /** One unit of work: request {@code i} of a phase; records its latency when it succeeds. */
  interface Task {
    void run(int i, LongList latencies);
  }

  /** What a phase did: how long it took, its latencies, and whether the time limit cut it short. */
  record Phase(long nanos, int attempted, boolean cutShort, Latencies latencies) {
    double seconds() {
      return Math.max(1, nanos) / 1e9;
    }
  }

  /**
   * Runs tasks 0..count-1 on a fixed pool of {@code clients} threads, each taking the next task as
   * soon as its previous one answered; no task starts after {@code limit}.
   */
  static Phase runPhase(String name, int clients, int count, Duration limit, Task task)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(clients, threads(name));
    AtomicInteger next = new AtomicInteger();
    AtomicInteger attempted = new AtomicInteger();
    AtomicBoolean cutShort = new AtomicBoolean();
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    List<Future<LongList>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(pool.submit(() -> {
        LongList latencies = new LongList();
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
          if (System.nanoTime() - deadline > 0) {
            cutShort.set(true);
            break;
          }
          attempted.incrementAndGet();
          task.run(i, latencies);
        }
        return latencies;
      }));
    }
    List<LongList> parts = new ArrayList<>();
    for (Future<LongList> worker : workers) {
      parts.add(join(worker));
    }
    long nanos = System.nanoTime() - start;
    pool.shutdown();
    return new Phase(nanos, attempted.get(), cutShort.get(), new Latencies(parts));
  }

  static <T> T join(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a bench thread failed", e.getCause());
    }
  }

  static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "bench-" + name + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A message body of exactly BODY_BYTES ASCII characters starting with {@code head}. */
  static String filler(String head) {
    if (head.length() >= BODY_BYTES) {
      return head;
    }
    StringBuilder body = new StringBuilder(BODY_BYTES).append(head);
    while (body.length() < BODY_BYTES) {
      body.append((char) ('a' + body.length() % 26));
    }
    return body.toString();
  }

  // --- the HTTP side -----------------------------------------------------------------------------

  /** Thrown when the benchmark cannot even start: no node, refused login, no queue. */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  /** One answer: status, body and the wall time of the exchange. */
  record Reply(int status, String body, long nanos) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The body parsed as JSON, or null when it is not JSON. */
    Object json() {
      try {
        return Json.parse(body);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** The REST API of one node, over one shared HttpClient. */
  static final class Api {
    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    private final String base;
    private volatile String token;

    Api(URI base) {
      String url = base.toString();
      this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * One exchange. Returns null on an I/O error; counts errors and non-2xx answers in
     * {@code tally} under {@code what}, so the caller only has to look at successes.
     */
    Reply call(String what, String method, String path, String json, Tally tally) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(30))
          .header("Accept", "application/json")
          .method(method, json == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
      if (json != null) {
        request.header("Content-Type", "application/json");
      }
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      long start = System.nanoTime();
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Reply reply = new Reply(response.statusCode(), response.body(), System.nanoTime() - start);
        if (!reply.ok()) {
          tally.status(what, reply);
        }
        return reply;
      } catch (IOException e) {
        tally.error(what, e);
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        tally.error(what, e);
        return null;
      }
    }

    void login(String username, String password) throws SetupException {
      Tally tally = new Tally();
      String json = "{\"username\":" + Json.quote(username) + ",\"password\":"
          + Json.quote(password) + "}";
      Reply reply = call("login", "POST", "/api/v1/sessions", json, tally);
      if (reply == null) {
        throw new SetupException("cannot reach " + base + " (" + tally.firstSample()
            + "); is the node running? See ./quipu status, ./quipu up");
      }
      String token = Json.str(reply.json(), "token");
      if (!reply.ok() || token == null) {
        throw new SetupException("login as " + username + " failed: HTTP " + reply.status + " "
            + abbreviate(reply.body));
      }
      this.token = token;
    }

    /** Ends the session, so runs do not leave live tokens behind. */
    void logout() {
      Tally tally = new Tally();
      Reply reply = call("logout", "DELETE", "/api/v1/sessions/current", null, tally);
      if (reply == null || !reply.ok()) {
        System.out.println("  WARNING: logout failed: " + (reply == null
            ? tally.firstSample()
            : "HTTP " + reply.status + " " + abbreviate(reply.body)));
      }
    }

    String createQueue(String scenario) throws SetupException {
      String name = "bench-" + scenario + "-" + System.currentTimeMillis();
      Tally tally = new Tally();
      Reply reply = call("create", "PUT", "/api/v1/queues/" + name, "{}", tally);
      if (reply == null || reply.status != 201) {
        throw new SetupException("creating queue " + name + " failed: " + (reply == null
            ? tally.firstSample()
            : "HTTP " + reply.status + " " + abbreviate(reply.body)));
      }
      return name;
    }

    void deleteQueue(String name) {
      Tally tally = new Tally();
      Reply reply = call("delete", "DELETE", "/api/v1/queues/" + name + "?force=true", null, tally);
      if (reply == null || !reply.ok()) {
        System.out.println("  WARNING: could not delete queue " + name + ": " + (reply == null
            ? tally.firstSample()
            : "HTTP " + reply.status + " " + abbreviate(reply.body)));
      }
    }
  }

  /** Failures of one scenario: non-2xx answers by status, errors by kind, each with one sample. */
  static final class Tally {
    final LongAdder non2xx = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, String> samples = new ConcurrentHashMap<>();

    void status(String what, Reply reply) {
      non2xx.increment();
      count(what + " -> HTTP " + reply.status, abbreviate(reply.body));
    }

    void error(String what, Throwable e) {
      errors.increment();
      String detail = null;
      for (Throwable t = e; t != null && detail == null; t = t.getCause()) {
        detail = t.getMessage(); // the JDK's ConnectException says nothing; its cause might
      }
      count(what + " -> " + e.getClass().getSimpleName(), detail == null ? "no detail" : detail);
    }

    /** A 2xx answer the benchmark could not use (missing fields, not JSON); counted as an error. */
    void problem(String what, String detail) {
      errors.increment();
      count(what + " -> malformed answer", detail);
    }

    private void count(String key, String sample) {
      counts.computeIfAbsent(key, k -> new LongAdder()).increment();
      samples.putIfAbsent(key, sample);
    }

    long failures() {
      return non2xx.sum() + errors.sum();
    }

    String firstSample() {
      return samples.entrySet().stream().findFirst()
          .map(e -> e.getKey() + ": " + e.getValue()).orElse("no answer");
    }

    void print(String indent) {
      new TreeMap<>(counts).forEach((key, n) -> System.out.printf("%s%,8d x %s   e.g. %s%n",
          indent, n.sum(), key, samples.get(key)));
    }
  }

  static String abbreviate(String text) {
    if (text == null) {
      return "(no body)";
    }
    String flat = text.replaceAll("\\s+", " ").trim();
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }

  /** Refuses anything but a loopback http URL: this tool must not load another machine. */
  static URI loopbackBase(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + url);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--url must be http://127.0.0.1:PORT, not " + url);
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        if (!address.isLoopbackAddress()) {
          throw new IllegalArgumentException("refusing " + url + ": " + uri.getHost()
              + " is not this machine's loopback address; the benchmark targets 127.0.0.1 only");
        }
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host in " + url);
    }
    return uri;
  }

  // --- latencies and results ---------------------------------------------------------------------

  /** A growable array of longs, one per thread, so recording a latency takes no lock. */
  static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }

  /** Latencies in nanoseconds, merged from every thread of a phase and sorted. */
  static final class Latencies {
    private final long[] sorted;

    Latencies(List<LongList> parts) {
      int total = parts.stream().mapToInt(p -> p.size).sum();
      sorted = new long[total];
      int at = 0;
      for (LongList part : parts) {
        System.arraycopy(part.values, 0, sorted, at, part.size);
        at += part.size;
      }
      Arrays.sort(sorted);
    }

    /** The nearest-rank percentile in milliseconds; NaN when nothing was measured. */
    double percentileMs(double q) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    double maxMs() {
      return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }
  }

  /** One row of the final table. */
  static final class Result {
    final String scenario;
    final String clients;
    final long messages;
    final double seconds;
    final Latencies latencies;
    final Tally tally;
    final long lost;
    final long duplicates;
    final boolean cutShort;
    final String target;
    boolean met;

    Result(String scenario, String clients, long messages, double seconds, Latencies latencies,
        Tally tally, long lost, long duplicates, boolean cutShort, String target) {
      this.scenario = scenario;
      this.clients = clients;
      this.messages = messages;
      this.seconds = seconds;
      this.latencies = latencies;
      this.tally = tally;
      this.lost = lost;
      this.duplicates = duplicates;
      this.cutShort = cutShort;
      this.target = target;
    }

    double rate() {
      return messages / seconds;
    }
  }

  static void printWarmup(Phase warm, Tally tally) {
    System.out.printf("  warm-up: %d requests in %.2f s, %d non-2xx, %d errors%n",
        warm.attempted, warm.seconds(), tally.non2xx.sum(), tally.errors.sum());
    tally.print("    ");
  }

  static void printDetails(Result r, String latencyOf) {
    System.out.printf("  measured: %,d messages in %.2f s = %,.0f msgs/s; latency (%s)"
            + " p50 %s ms, p99 %s ms, max %s ms%s%n", r.messages, r.seconds, r.rate(), latencyOf,
        millis(r.latencies.percentileMs(0.50)), millis(r.latencies.percentileMs(0.99)),
        millis(r.latencies.maxMs()), r.cutShort ? "  (stopped at the time limit)" : "");
    System.out.printf("  failures: %,d non-2xx, %,d errors%n", r.tally.non2xx.sum(),
        r.tally.errors.sum());
    r.tally.print("    ");
  }

  /** Milliseconds to one decimal, or "-" when nothing was measured. */
  static String millis(double ms) {
    return Double.isNaN(ms) ? "-" : String.format("%.1f", ms);
  }

  static void printTable(List<Result> results) {
    if (results.isEmpty()) {
      return;
    }
    String format = "%-7s %7s %9s %7s %9s %8s %8s %8s %8s %7s %6s %5s  %-28s %s%n";
    System.out.println();
    System.out.printf(format, "scenario", "clients", "messages", "time s", "msgs/s", "p50 ms",
        "p99 ms", "max ms", "non-2xx", "errors", "lost", "dups", "target (one node)", "verdict");
    for (Result r : results) {
      System.out.printf(format, r.scenario, r.clients, String.format("%,d", r.messages),
          String.format("%.2f", r.seconds), String.format("%,.0f", r.rate()),
          millis(r.latencies.percentileMs(0.50)), millis(r.latencies.percentileMs(0.99)),
          millis(r.latencies.maxMs()), r.tally.non2xx.sum(), r.tally.errors.sum(),
          r.lost, r.scenario.equals("e2e") ? String.valueOf(r.duplicates) : "-", r.target,
          (r.met ? "PASS" : "MISS") + (r.cutShort ? " (time limit)" : ""));
    }
    System.out.println("latency: single = one send; batch = one batch of " + BATCH_SIZE
        + " messages; e2e = from the start of a send to the receive that delivered it.");
    System.out.println("e2e msgs/s = distinct messages received / (last arrival - first send).");
  }

  // --- options -----------------------------------------------------------------------------------

  static final class Options {
    static final String USAGE = """
        usage: java bench/Bench.java [--url URL] [--scenario single|batch|e2e|all]
                                     [--count N] [--clients N] [--seconds N] [--warmup N]
          --url       the node, loopback only (default http://127.0.0.1:$QUIPU_PORT, port 8080)
          --scenario  which scenario to run (default all)
          --count     per scenario: messages for single and e2e (default 20000 each),
                      batches of 100 for batch (default 2000)
          --clients   concurrent clients: single 64, batch 8, e2e 16 producers + 16 consumers
          --seconds   time limit of each measured phase (default 120)
          --warmup    unmeasured requests before each scenario (default 300)
        The admin password comes from $QUIPU_ADMIN_PASSWORD.
        Exit status: 0 nothing lost, 1 messages lost, 2 usage or setup error.""";

    String url = "http://127.0.0.1:" + System.getenv().getOrDefault("QUIPU_PORT", "8080");
    String scenario = "all";
    Integer count;
    Integer clients;
    int seconds = 120;
    int warmup = 300;
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("-h") || flag.equals("--help")) {
          o.help = true;
          continue;
        }
        String value;
        int eq = flag.indexOf('=');
        if (eq > 0) {
          value = flag.substring(eq + 1);
          flag = flag.substring(0, eq);
        } else {
          value = i + 1 < args.length ? args[i + 1] : null;
          i++;
        }
        if (!List.of("--url", "--scenario", "--count", "--clients", "--seconds", "--warmup")
            .contains(flag)) {
          throw new IllegalArgumentException("unknown option " + flag);
        }
        if (value == null) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        switch (flag) {
          case "--url" -> o.url = value;
          case "--scenario" -> {
            if (!List.of("single", "batch", "e2e", "all").contains(value)) {
              throw new IllegalArgumentException("--scenario is single, batch, e2e or all");
            }
            o.scenario = value;
          }
          case "--count" -> o.count = number(flag, value, 1);
          case "--clients" -> o.clients = number(flag, value, 1);
          case "--seconds" -> o.seconds = number(flag, value, 1);
          case "--warmup" -> o.warmup = number(flag, value, 0);
          default -> throw new IllegalStateException(flag);
        }
      }
      return o;
    }

    private static int number(String flag, String value, int min) {
      try {
        int n = Integer.parseInt(value);
        if (n >= min) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(flag + " needs a whole number ≥ " + min + ", not " + value);
    }

    List<String> scenarios() {
      return scenario.equals("all") ? List.of("single", "batch", "e2e") : List.of(scenario);
    }

    int countOr(int fallback) {
      return count == null ? fallback : count;
    }

    int clientsOr(int fallback) {
      return clients == null ? fallback : clients;
    }

    Duration limit() {
      return Duration.ofSeconds(seconds);
    }
  }

  // --- JSON --------------------------------------------------------------------------------------

  /**
   * Just enough JSON: a strict recursive-descent reader into Map, List, String, Long, Double,
   * Boolean and null, and a string quoter. Malformed input throws IllegalArgumentException.
   */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json reader = new Json(text);
      Object value = reader.value();
      reader.skipSpace();
      if (reader.i != text.length()) {
        throw reader.error("trailing characters");
      }
      return value;
    }

    static String str(Object json, String key) {
      return json instanceof Map<?, ?> map && map.get(key) instanceof String value ? value : null;
    }

    static long num(Object json, String key, long fallback) {
      return json instanceof Map<?, ?> map && map.get(key) instanceof Number value
          ? value.longValue() : fallback;
    }

    static List<?> list(Object json, String key) {
      return json instanceof Map<?, ?> map && map.get(key) instanceof List<?> value ? value : null;
    }

    static String quote(String text) {
      StringBuilder out = new StringBuilder(text.length() + 2).append('"');
      for (int k = 0; k < text.length(); k++) {
        char c = text.charAt(k);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"').toString();
    }

    private Object value() {
      skipSpace();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      if (c == '{') {
        return object();
      } else if (c == '[') {
        return array();
      } else if (c == '"') {
        return string();
      } else if (c == 't') {
        return literal("true", Boolean.TRUE);
      } else if (c == 'f') {
        return literal("false", Boolean.FALSE);
      } else if (c == 'n') {
        return literal("null", null);
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        return number();
      }
      throw error("unexpected '" + c + "'");
    }

    private Map<String, Object> object() {
      Map<String, Object> members = new LinkedHashMap<>();
      i++;
      skipSpace();
      if (at('}')) {
        i++;
        return members;
      }
      while (true) {
        skipSpace();
        if (!at('"')) {
          throw error("expected a member name");
        }
        String name = string();
        skipSpace();
        expect(':');
        members.put(name, value());
        skipSpace();
        if (at(',')) {
          i++;
        } else {
          expect('}');
          return members;
        }
      }
    }

    private List<Object> array() {
      List<Object> items = new ArrayList<>();
      i++;
      skipSpace();
      if (at(']')) {
        i++;
        return items;
      }
      while (true) {
        items.add(value());
        skipSpace();
        if (at(',')) {
          i++;
        } else {
          expect(']');
          return items;
        }
      }
    }

    private String string() {
      i++; // the opening quote
      StringBuilder out = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw error("unterminated escape");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException x) {
              throw error("bad \\u escape");
            }
            i += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    private Object number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      String text = s.substring(start, i);
      try {
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
          try {
            return Long.parseLong(text);
          } catch (NumberFormatException tooBig) {
            // falls through to a double
          }
        }
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw error("bad number " + text);
      }
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, i)) {
        throw error("expected " + word);
      }
      i += word.length();
      return value;
    }

    private void skipSpace() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private boolean at(char c) {
      return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
      if (!at(c)) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at offset " + i);
    }
  }
}
