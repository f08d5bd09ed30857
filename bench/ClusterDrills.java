/*
 * ClusterDrills: two drills on the running cluster, through NGINX. Java 17 source-file mode, JDK
 * only. Traffic goes to loopback URLs only; every drill is bounded by its counts and deadlines.
 *
 * `./quipu bench --kill-leader [--kills K] [--producers P]`: how long writes stall when the
 * leader dies, over K kills (20 by default), and whether anything acknowledged was lost.
 *
 * `./quipu bench --catch-up [--writes N] [--batch B]`: how long a follower takes to catch up
 * after missing N messages (1,000,000 by default) sent in batches of B (100), while the cluster
 * keeps serving. A follower is stopped (`./quipu stop`); 8 writers send the N messages (bodies of
 * 100 bytes) through NGINX; then, while one producer keeps sending single messages, the follower
 * is started again (`./quipu start`) and the drill reports how long it took to boot (live), to
 * apply everything committed before it started (caught up) and to be ready, the entries it
 * replayed per second, and the producer's sends meanwhile. At the end, with the producer stopped,
 * every node must report the same digest at the same applied seq.
 *
 * The kill-leader drill:
 * P producers (8) send small keyed messages through NGINX in closed loops, each retried with its
 * Idempotency-Key while the answer is a 5xx or no answer (up to 30 s), and write down the moment
 * every send was answered 2xx. Then, K times: wait until every node is ready, ask the cluster who
 * leads (GET /api/v1/cluster), SIGKILL it with `./quipu kill` (by PID), and wait for the first send
 * started after the kill to be answered 2xx. The stall of one kill is the gap clients saw: the
 * longest gap between consecutive 2xx answers around the kill. The killed node is started again
 * with `./quipu start` (under load: a restart and its catch-up are part of every round) before the
 * next kill. At the end the queue's depth must equal the sends answered 2xx (nothing is consumed),
 * give or take sends whose outcome stayed unknown.
 *
 * Traffic goes to the loopback URL only; the run is bounded by K and by a deadline per round.
 */

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ClusterDrills {

  private static final Duration RETRY_BUDGET = Duration.ofSeconds(30);
  private static final Duration ROUND_AT_MOST = Duration.ofMinutes(5);

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final URI api;
  private final String quipu;
  private final List<String> nodeUrls;
  private String token;
  private String queue;
  private final AtomicBoolean running = new AtomicBoolean(true);
  /** nanoTime at which each 2xx send was answered, and when it was started. */
  private final ConcurrentLinkedQueue<long[]> answered = new ConcurrentLinkedQueue<>();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  /** The highest seq a send was answered with: the final count reads at least that far. */
  private final AtomicLong lastSeq = new AtomicLong();

  ClusterDrills(String url, String quipu, List<String> nodeUrls) {
    this.api = URI.create(url.replaceAll("/+$", "") + "/api/v1/");
    this.quipu = quipu;
    this.nodeUrls = nodeUrls;
  }

  public static void main(String[] args) throws Exception {
    String url = null;
    String quipu = null;
    List<String> nodes = new ArrayList<>();
    int kills = 20;
    int producers = 8;
    boolean catchUp = false;
    long writes = 1_000_000;
    int batch = 100;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--quipu" -> quipu = args[++i];
        case "--node" -> nodes.add(args[++i]);
        case "--kill-leader" -> catchUp = false;
        case "--catch-up" -> catchUp = true;
        case "--kills" -> kills = Integer.parseInt(args[++i]);
        case "--producers" -> producers = Integer.parseInt(args[++i]);
        case "--writes" -> writes = Long.parseLong(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (batch < 1 || batch > 100 || writes < batch) {
      usage("--batch is 1 to 100 (API.md) and --writes at least one batch");
    }
    if (url == null || quipu == null || nodes.size() < 3) {
      usage("--url, --quipu and at least three --node are needed");
    }
    for (String u : nodes) {
      if (!u.startsWith("http://127.0.0.1:")) {
        usage("only loopback URLs may be loaded, not " + u);
      }
    }
    if (!url.startsWith("http://127.0.0.1:")) {
      usage("only a loopback URL may be loaded, not " + url);
    }
    String password = System.getenv("QUIPU_ADMIN_PASSWORD");
    if (password == null) {
      usage("QUIPU_ADMIN_PASSWORD is not set");
    }
    ClusterDrills drills = new ClusterDrills(url, quipu, nodes);
    System.exit(catchUp ? drills.catchUp(password, writes, batch)
        : drills.run(password, kills, producers));
  }

  private static void usage(String why) {
    System.err.println("kill-leader: " + why);
    System.err.println("usage: java bench/ClusterDrills.java --url NGINX --quipu ./quipu "
        + "--node URL1 --node URL2 --node URL3 [--kill-leader] [--kills K] [--producers P]");
    System.err.println("       java bench/ClusterDrills.java --url NGINX --quipu ./quipu "
        + "--node URL1 --node URL2 --node URL3 --catch-up [--writes N] [--batch B]");
    System.exit(2);
  }

  /** Logs in as admin and creates the drill's queue; false (said why) when it cannot. */
  private boolean prepare(String password, String drill) throws Exception {
    HttpResponse<String> login = call("POST", "sessions",
        "{\"username\":\"admin\",\"password\":\"" + password + "\"}");
    if (login.statusCode() != 201) {
      System.err.println(drill + ": login as admin: " + login.statusCode());
      return false;
    }
    token = field(login.body(), "token");
    queue = "bench-" + drill + "-" + System.currentTimeMillis();
    // A node just started may answer 503 for a moment (no lease yet); a PUT is idempotent.
    int created = -1;
    for (int i = 0; i < 60 && created != 201; i++) {
      created = call("PUT", "queues/" + queue, "{}").statusCode();
      if (created == 503 || created == 502 || created == 504) {
        Thread.sleep(500);
      } else if (created != 201) {
        break;
      }
    }
    if (created != 201) {
      System.err.println(drill + ": cannot create queue " + queue + ": " + created);
      return false;
    }
    return true;
  }

  int run(String password, int kills, int producers) throws Exception {
    if (!prepare(password, "kill-leader")) {
      return 2;
    }
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < producers; i++) {
      Thread t = new Thread(this::produce, "producer-" + i);
      t.start();
      threads.add(t);
    }
    List<Long> stalls = new ArrayList<>();
    try {
      Thread.sleep(3_000);
      for (int k = 1; k <= kills; k++) {
        awaitAllReady();
        Thread.sleep(2_000);
        String leader = leader();
        long sent = System.nanoTime();
        script("kill", leader);
        long stall = awaitStall(sent, System.nanoTime());
        stalls.add(stall);
        System.out.printf("kill %2d: %s SIGKILL, writes stalled %,d ms%n", k, leader, stall);
        script("start", leader);
      }
    } finally {
      running.set(false);
      for (Thread t : threads) {
        t.join(RETRY_BUDGET.toMillis() + 15_000);
      }
    }
    awaitAllReady();
    long depth = Long.parseLong(field(call("GET", "queues/" + queue, null,
        "X-Quipu-Min-Seq", Long.toString(lastSeq.get())).body(), "depth"));
    call("DELETE", "queues/" + queue + "?force=true", null);
    Collections.sort(stalls);
    long median = stalls.isEmpty() ? 0 : stalls.get(stalls.size() / 2);
    long worst = stalls.isEmpty() ? 0 : stalls.get(stalls.size() - 1);
    System.out.printf("%nkills %d: stall median %,d ms, worst %,d ms, all %s%n", stalls.size(),
        median, worst, stalls);
    System.out.printf("sends answered 2xx %,d, unknown %,d, refused %,d; queue depth %,d%n",
        ok.get(), unknown.get(), refused.get(), depth);
    boolean lost = depth < ok.get();
    boolean extra = depth > ok.get() + unknown.get();
    System.out.println(lost ? "LOST: fewer messages in the queue than sends acknowledged"
        : extra ? "DUPLICATED: more messages than sends tried"
        : "nothing acknowledged lost, nothing stored twice");
    return lost || extra ? 1 : 0;
  }

  /** The catch-up drill (see the top of this file); 0 when every node ends on one digest. */
  int catchUp(String password, long writes, int batch) throws Exception {
    if (!prepare(password, "catch-up")) {
      return 2;
    }
    awaitAllReady();
    String leader = leader();
    String follower = null;
    for (int i = nodeUrls.size(); i >= 1 && follower == null; i--) {
      follower = leader.equals("node-" + i) ? null : "node-" + i;
    }
    String followerUrl = nodeUrls.get(Integer.parseInt(follower.substring(5)) - 1);
    String leaderUrl = nodeUrls.get(Integer.parseInt(leader.substring(5)) - 1);
    long before = appliedSeq(followerUrl);
    script("stop", follower);
    System.out.printf("%s stopped at applied seq %,d; %s leads%n", follower, before, leader);

    long started = System.nanoTime();
    long sent = sendBatches(writes, batch, 8);
    double sendSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("sent %,d messages in batches of %d in %.0f s (%,.0f msgs/s) while %s was "
        + "down%n", sent, batch, sendSeconds, sent / sendSeconds, follower);

    List<String> nodes = new ArrayList<>();
    for (int i = 1; i <= nodeUrls.size(); i++) {
      nodes.add("node-" + i);
    }
    long[] logsBefore = new long[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      logsBefore[i] = logLength(nodes.get(i));
    }
    Thread producer = new Thread(this::produce, "producer");
    producer.start();
    long target = appliedSeq(leaderUrl);
    long okBefore = ok.get();
    long t0 = System.nanoTime();
    // ./quipu start returns only once the node is ready: the times are watched beside it.
    String restarted = follower;
    Thread starter = new Thread(() -> {
      try {
        // It returns once the node is ready: after a snapshot of a large state, many minutes.
        script("start", restarted, Duration.ofMinutes(60));
      } catch (IOException | InterruptedException | IllegalStateException failed) {
        System.err.println("catch-up: " + failed.getMessage());
      }
    }, "starter");
    starter.start();
    long live = 0;
    long caughtUp = 0;
    long ready = 0;
    long deadline = t0 + TimeUnit.MINUTES.toNanos(60);
    while ((live == 0 || caughtUp == 0 || ready == 0) && System.nanoTime() < deadline) {
      long applied = appliedSeq(followerUrl); // -1 until the WAR answers
      long now = System.nanoTime();
      if (live == 0 && applied >= 0) {
        live = now;
      }
      if (caughtUp == 0 && applied >= target) {
        caughtUp = now;
      }
      if (ready == 0 && status(followerUrl + "/health/ready") == 200) {
        ready = System.nanoTime();
      }
      Thread.sleep(200);
    }
    starter.join(TimeUnit.MINUTES.toMillis(15));
    running.set(false);
    producer.join(RETRY_BUDGET.toMillis() + 15_000);
    if (caughtUp == 0 || ready == 0) {
      System.err.printf("catch-up: %s did not catch up within an hour (applied %,d of %,d)%n",
          follower, appliedSeq(followerUrl), target);
      return 1;
    }
    double replaySeconds = (caughtUp - live) / 1e9;
    System.out.printf("%s started: answering after %.1f s (Payara's boot, its state restored), "
        + "caught up (applied seq %,d, %,d entries behind when started) %.1f s later (%,.0f "
        + "entries/s), ready %.1f s after its start%n", follower, (live - t0) / 1e9, target,
        target - before, replaySeconds, (target - before) / Math.max(replaySeconds, 0.001),
        (ready - t0) / 1e9);
    System.out.printf("meanwhile a producer's single sends through NGINX: %,d answered 2xx, "
        + "%,d unknown, %,d refused%n", ok.get() - okBefore, unknown.get(), refused.get());
    reportSnapshots(nodes, logsBefore);
    boolean same = sameDigests();
    call("DELETE", "queues/" + queue + "?force=true", null);
    return same ? 0 : 1;
  }

  private static Path nodeLog(String node) {
    return Path.of(".run", node, "node.log");
  }

  private static long logLength(String node) throws IOException {
    return Files.exists(nodeLog(node)) ? Files.size(nodeLog(node)) : 0;
  }

  /**
   * How the follower caught up: the snapshot lines every node's log under {@code .run/} (written
   * there by ./quipu) gained since the follower's start ({@code before}: their lengths then; the
   * leader may have changed meanwhile), or that it replayed the log when there are none.
   */
  private static void reportSnapshots(List<String> nodes, long[] before) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String node = nodes.get(i);
      Path log = nodeLog(node);
      if (Files.exists(log)) {
        String added;
        try (var in = Files.newInputStream(log)) {
          in.skipNBytes(Math.min(before[i], Files.size(log)));
          added = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        try (var all = added.lines()) {
          all.filter(l -> l.contains("snapshot at seq") || l.contains("installed the snapshot"))
              .map(l -> node + ": " + l.substring(l.lastIndexOf("] ") + 2).trim())
              .forEach(lines::add);
        }
      }
    }
    if (lines.isEmpty()) {
      System.out.println("caught up from the log (no snapshot was written or installed)");
    } else {
      lines.forEach(l -> System.out.println("  " + l));
    }
  }

  /**
   * Sends {@code writes} messages (100-byte bodies) in batches through NGINX from {@code threads}
   * writers, each batch retried with its Idempotency-Key while unanswered; the messages answered
   * 2xx.
   */
  private long sendBatches(long writes, int batch, int threads) throws InterruptedException {
    String one = "{\"body\":\"" + "c".repeat(100) + "\"}";
    String body = "{\"messages\":[" + String.join(",", Collections.nCopies(batch, one)) + "]}";
    AtomicLong left = new AtomicLong(writes / batch);
    AtomicLong done = new AtomicLong();
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        while (left.getAndDecrement() > 0) {
          String key = UUID.randomUUID().toString();
          long giveUp = System.nanoTime() + RETRY_BUDGET.toNanos();
          while (System.nanoTime() < giveUp) {
            try {
              if (call("POST", "queues/" + queue + "/messages:batch", body, "Idempotency-Key", key)
                  .statusCode() / 100 == 2) {
                done.addAndGet(batch);
                break;
              }
            } catch (IOException noAnswer) {
              // unknown: retried with the same key
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            sleep(100);
          }
        }
      }, "writer-" + i);
      t.start();
      writers.add(t);
    }
    long reported = 0;
    for (Thread t : writers) {
      while (t.isAlive()) {
        t.join(10_000);
        if (done.get() - reported >= 100_000) {
          reported = done.get();
          System.out.printf("  %,d sent%n", reported);
        }
      }
    }
    return done.get();
  }

  /** The node's applied seq (its X-Quipu-Applied-Seq on /health/ready), -1 when it does not answer. */
  private long appliedSeq(String nodeUrl) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
          URI.create(nodeUrl + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.headers().firstValueAsLong("X-Quipu-Applied-Seq").orElse(-1);
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Whether every node reports one digest at one applied seq, within two minutes; printed. */
  private boolean sameDigests() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    List<String> last = List.of();
    while (System.nanoTime() < deadline) {
      List<String> views = new ArrayList<>();
      for (String node : nodeUrls) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create(node + "/api/v1/cluster/digest"))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        views.add(r.statusCode() == 200
            ? field(r.body(), "appliedSeq") + " " + field(r.body(), "digest") : "none");
      }
      last = views;
      if (!views.contains("none") && views.stream().distinct().count() == 1) {
        System.out.println("every node at applied seq and digest " + views.get(0));
        return true;
      }
      Thread.sleep(500);
    }
    System.out.println("DIVERGED or not converged: " + last);
    return false;
  }

  private void produce() {
    while (running.get()) {
      String key = UUID.randomUUID().toString();
      String body = "{\"body\":\"kill-leader " + key + "\"}";
      long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
      int status = -1;
      do {
        long started = System.nanoTime();
        try {
          HttpResponse<String> answer = call("POST", "queues/" + queue + "/messages", body,
              "Idempotency-Key", key);
          status = answer.statusCode();
          if (status / 100 == 2) {
            lastSeq.accumulateAndGet(Long.parseLong(field(answer.body(), "seq")), Math::max);
          }
        } catch (IOException | InterruptedException noAnswer) {
          status = -1;
        }
        if (status / 100 == 2) {
          answered.add(new long[] {started, System.nanoTime()});
          break;
        }
        if (status != -1 && status < 500 && status != 429) {
          break; // a definite refusal: counted, never retried
        }
        sleep(100);
      } while (System.nanoTime() < deadline);
      (status / 100 == 2 ? ok : status == -1 || status >= 500 || status == 429 ? unknown
          : refused).incrementAndGet();
    }
  }

  /**
   * The longest gap between consecutive 2xx answers from the last one a second or more before the
   * kill was sent until the first send started after it returned was answered: the stall clients
   * saw. (Not "from the
   * kill": `./quipu kill` returns only once the process is gone, and a new leader may already
   * serve by then.)
   */
  private long awaitStall(long sent, long returned) throws InterruptedException {
    long deadline = System.nanoTime() + ROUND_AT_MOST.toNanos();
    while (System.nanoTime() < deadline) {
      long firstAfter = Long.MAX_VALUE;
      for (long[] a : answered) {
        if (a[0] >= returned) {
          firstAfter = Math.min(firstAfter, a[1]);
        }
      }
      if (firstAfter != Long.MAX_VALUE) {
        // From the last 2xx a second or more before the kill (a stall under way counts whole).
        long from = sent - TimeUnit.SECONDS.toNanos(1);
        long start = from;
        for (long[] a : answered) {
          if (a[1] <= from && (start == from || a[1] > start)) {
            start = a[1];
          }
        }
        List<Long> ends = new ArrayList<>();
        for (long[] a : answered) {
          if (a[1] > start && a[1] <= firstAfter) {
            ends.add(a[1]);
          }
        }
        Collections.sort(ends);
        long gap = 0;
        long previous = start;
        for (long end : ends) {
          gap = Math.max(gap, end - previous);
          previous = end;
        }
        return TimeUnit.NANOSECONDS.toMillis(gap);
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no write was accepted within " + ROUND_AT_MOST
        + " of killing the leader");
  }

  private void awaitAllReady() throws InterruptedException {
    long deadline = System.nanoTime() + ROUND_AT_MOST.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (String node : nodeUrls) {
        all &= status(node + "/health/ready") == 200;
      }
      if (all) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("not every node was ready within " + ROUND_AT_MOST);
  }

  /**
   * The leader: the node whose own GET /api/v1/cluster names itself, asked directly (node-I is
   * the I-th --node URL), and whom another node's view names too. Through NGINX any node answers,
   * and a view built from peers' answers may lag a change of leader by a moment.
   */
  private String leader() throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      List<String> named = new ArrayList<>();
      for (String node : nodeUrls) {
        HttpResponse<String> view = http.send(HttpRequest.newBuilder(
                URI.create(node + "/api/v1/cluster"))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        named.add(view.statusCode() == 200 ? field(view.body(), "leader") : null);
      }
      for (int i = 0; i < named.size(); i++) {
        String self = "node-" + (i + 1);
        if (self.equals(named.get(i))
            && named.stream().filter(self::equals).count() >= 2) {
          return self;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no node leads by its own view and another's");
  }

  private void script(String action, String node) throws IOException, InterruptedException {
    script(action, node, ROUND_AT_MOST);
  }

  private void script(String action, String node, Duration atMost)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(quipu, action, node).inheritIO().start();
    if (!p.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("./quipu " + action + " " + node + " failed");
    }
  }

  private int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** One request through NGINX with the admin's token; {@code headers} are name, value pairs. */
  private HttpResponse<String> call(String method, String path, String json, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path))
        .timeout(Duration.ofSeconds(15));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A top-level string or number member of a JSON object (enough for the answers used here). */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"([^\"]*)\"|(-?\\d+))")
        .matcher(json);
    if (!m.find()) {
      return null;
    }
    return m.group(2) != null ? m.group(2) : m.group(3);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
