package org.quipu.crash;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quipu.it.Api;
import org.quipu.it.LoopbackPorts;

/**
 * Crash safety of one node on real processes: a Payara Micro node and a MariaDB of the test's
 * own, each SIGKILLed in the middle of a load of concurrent sends and acks. Whatever the broker
 * acknowledged before the crash must be there afterwards, exactly once: every send answered 201 is
 * either acked (204) or still in the queue, no message acked with 204 comes back, and the drain
 * after the crash meets each message once.
 *
 * <p>One node and one MariaDB serve the whole class, under {@code target/crash/run-*}; each test
 * makes its own user and queue and first brings back whatever a previous test left down, so the
 * tests do not depend on their order. Every process is stopped by PID in {@link #stopEverything},
 * and killed by a JVM shutdown hook if the run ends any other way.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class NodeCrashClusterIT {

  /** Start-up takes 10-20 s on an idle 2-core machine, and took 77 s on one shared with a build. */
  private static final Duration START_UP = Duration.ofSeconds(180);
  private static final Duration RECONNECT = Duration.ofSeconds(60);
  private static final int SENDERS = 16;
  private static final Duration LOAD_BUDGET = Duration.ofSeconds(8);
  private static final int MAX_SENDS = 20_000;
  /**
   * Crash once this many sends were acknowledged, or after {@link #CRASH_AT_THE_LATEST} (with at
   * least one send per sender) on a machine too busy for that: well into the load, well before
   * its end.
   */
  private static final int SENDS_BEFORE_CRASH = 1_000;
  private static final Duration CRASH_AT_THE_LATEST = Duration.ofSeconds(3);
  /** Long enough that nothing drained comes back during the drain. */
  private static final int DRAIN_LEASE_SECONDS = 3_600;

  /**
   * The node's memory alarm goes off at 40 % of its 512 MB heap; it clears below 35 %, above what
   * this node keeps live on its own (Payara and the other tests' leftovers: about 100 MB, so 0.25
   * never cleared). Bodies are not in the heap, only each message's metadata (about 260-340
   * bytes), so a test reaches the mark with a few hundred thousand small messages.
   */
  private static final String MEMORY_HIGH_WATERMARK = "0.4";
  private static final String METRICS_TOKEN = UUID.randomUUID().toString();
  private static final int MAX_FILL_BATCHES = 8_000;

  private static Path work;
  private static MariaDbServer database;
  private static NodeProcess node;
  private static Thread killOnExit;

  @BeforeAll
  static void startDatabaseAndNode() throws IOException {
    Path project = Path.of("").toAbsolutePath();
    Path war = Path.of(System.getProperty("quipu.war", "target/quipu.war")).toAbsolutePath();
    Path microJar =
        Path.of(System.getProperty("payara.microJar", "target/payara-micro.jar")).toAbsolutePath();
    String run = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    work = war.getParent().resolve("crash").resolve("run-" + run);
    Files.createDirectories(work);

    database = new MariaDbServer(project, work.resolve("mariadb"), LoopbackPorts.free(),
        "quipu_crash");
    killOnExit = new Thread(NodeCrashClusterIT::killEverything, "crash-test-kill-on-exit");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    database.start();
    node =
        new NodeProcess(microJar, war, work.resolve("node"), LoopbackPorts.free(),
            Map.of(
                "QUIPU_NODE_ID", "crash-node",
                "QUIPU_DB_URL", database.jdbcUrl(),
                "QUIPU_DB_USER", "quipu",
                "QUIPU_DB_PASSWORD", database.password(),
                "QUIPU_ADMIN_PASSWORD", UUID.randomUUID().toString(),
                "QUIPU_MEMORY_HIGH_WATERMARK", MEMORY_HIGH_WATERMARK,
                "QUIPU_METRICS_TOKEN", METRICS_TOKEN));
    long start = System.nanoTime();
    node.ensureReady(START_UP);
    System.out.printf(
        "[crash] work directory %s; node ready after %d ms%n", work, millisSince(start));
  }

  @AfterAll
  static void stopEverything() {
    try {
      if (node != null) {
        node.stop();
      }
    } finally {
      if (database != null) {
        database.stop();
      }
      if (killOnExit != null) {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      }
    }
    // Keep the logs; drop the ~250 MB of database files and Payara's scratch directory.
    try {
      NodeProcess.deleteTree(work.resolve("mariadb").resolve("data"));
      NodeProcess.deleteTree(work.resolve("node").resolve("payara"));
    } catch (UncheckedIOException e) {
      System.out.println("[crash] left files behind: " + e.getMessage());
    }
  }

  private static void killEverything() {
    if (node != null) {
      node.killIfRunning();
    }
    if (database != null) {
      database.killIfRunning();
    }
  }

  @Test
  void nodeKilledMidLoad_everyAcknowledgedSendAndAckSurvivesRestart() {
    bringBackWhatIsDown();
    Api api = new Api(node.url()).newUser("crash");
    String queue = Api.unique("node-kill");
    api.put("queues/" + queue, null).expect(201);

    LoadGenerator load = new LoadGenerator(api, queue, SENDERS, LOAD_BUDGET, MAX_SENDS);
    LoadGenerator.Result seen;
    load.start();
    try {
      awaitMidLoad(load);
      node.kill();
      // Every sender should now meet the dead node at least once.
      await("senders to see the node gone")
          .atMost(Duration.ofSeconds(10))
          .until(() -> load.transportErrors() >= SENDERS || !load.running());
    } finally {
      seen = load.stop();
    }

    long restart = System.nanoTime();
    node.start();
    node.awaitReady(START_UP);
    long toReady = millisSince(restart);

    JsonObject digest = api.get("cluster/digest").expect(200).object();
    assertEquals("crash-node", digest.getString("node"));
    assertNotNull(digest.getString("digest"));
    assertEquals(200, node.readyStatus());

    List<String> drained = drain(api, queue);
    report("node SIGKILL", seen, Set.of(), drained, "restart to ready " + toReady + " ms");
    assertNothingLostOrRepeated(seen, Set.of(), 0, drained);
  }

  @Test
  void databaseKilledMidLoad_nodeReconnectsWithoutRestart_andLosesNothing() {
    bringBackWhatIsDown();
    Api api = new Api(node.url()).newUser("crash");
    String queue = Api.unique("db-kill");
    api.put("queues/" + queue, null).expect(201);
    long nodePid = node.pid();
    Probes probes = new Probes(api, queue);

    LoadGenerator load = new LoadGenerator(api, queue, SENDERS, LOAD_BUDGET, MAX_SENDS);
    LoadGenerator.Result seen;
    long refusedAfter;
    load.start();
    try {
      awaitMidLoad(load);
      database.kill();
      long killed = System.nanoTime();
      await("a send refused with 503 problem+json")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> probes.sendRefused());
      refusedAfter = millisSince(killed);
    } finally {
      seen = load.stop();
    }
    // While the database is down every write is refused the same way, and the node says so.
    for (int i = 0; i < 5; i++) {
      probes.sendRefused();
    }
    assertEquals(503, node.readyStatus(), "readiness while the database is down");

    long restart = System.nanoTime();
    database.restart();
    await("MariaDB accepting connections").atMost(RECONNECT).until(database::accepting);
    long dbUp = millisSince(restart);
    node.awaitReady(RECONNECT);
    long toReady = millisSince(restart);
    await("a send accepted after the restart")
        .atMost(RECONNECT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> probes.sendAccepted());
    long toSend = millisSince(restart);
    assertEquals(nodePid, node.pid(), "the node must not have been restarted");
    assertTrue(node.alive(), "the node must not have been restarted");

    JsonObject digest = api.get("cluster/digest").expect(200).object();
    assertEquals("crash-node", digest.getString("node"));

    List<String> drained = drain(api, queue);
    report("MariaDB SIGKILL", seen, probes.accepted, drained,
        String.format("first 503 %d ms after the kill; after the restart: MariaDB up %d ms,"
            + " node ready %d ms, first send accepted %d ms", refusedAfter, dbUp, toReady, toSend));
    assertNothingLostOrRepeated(seen, probes.accepted, probes.notAccepted, drained);
  }

  @Test
  void memoryPressure_refusesNewMessagesWith503_neverKillsTheNode_andClearsOnceDrained() {
    bringBackWhatIsDown();
    Api api = new Api(node.url()).newUser("crash");
    String queue = Api.unique("memory");
    String other = Api.unique("memory-other");
    api.put("queues/" + queue, null).expect(201);
    api.put("queues/" + other, null).expect(201);
    long nodePid = node.pid();
    var messages = Json.createArrayBuilder();
    for (int i = 0; i < 100; i++) {
      messages.add(Json.createObjectBuilder().add("body", "m"));
    }
    JsonObject batch = Json.createObjectBuilder().add("messages", messages).build();

    try {
      int accepted = 0;
      Api.Reply refused = null;
      long start = System.nanoTime();
      while (refused == null && accepted < MAX_FILL_BATCHES) {
        Api.Reply reply = api.post("queues/" + queue + "/messages:batch", batch);
        if (reply.status() == 201) {
          accepted++;
        } else {
          refused = reply;
        }
      }
      assertNotNull(refused, accepted + " batches of 100 never met the alarm");
      JsonObject problem = refused.problem(503);
      assertEquals("5", refused.header("Retry-After"));
      assertTrue(problem.getString("detail").contains("memory"), problem.toString());
      System.out.printf("[crash] memory alarm after %d batches of 100 messages in %d ms%n",
          accepted, millisSince(start));

      // Raised, it shows, and everything but new messages still works: the node is neither dead
      // nor out of readiness, and consumers can drain what raised it.
      assertTrue(node.alive());
      assertEquals(200, node.readyStatus(), "a raised memory alarm leaves the node ready");
      assertTrue(memoryAlarmRaised(), node.fetch("/health/ready", METRICS_TOKEN));
      String metrics = node.fetch("/metrics", METRICS_TOKEN);
      assertTrue(metrics.matches("(?s).*\\nquipu_memory_alarm(\\{[^}]*})? 1(\\.0)?\\n.*"),
          () -> "quipu_memory_alarm 1 in /metrics, which said: " + metrics.lines()
              .filter(l -> l.contains("quipu_memory") || l.contains("quipu_heap")).toList()
              + " (" + metrics.length() + " characters)");
      api.post("queues/" + other + "/messages", Json.createObjectBuilder().add("body", "small").build())
          .problem(503);
      JsonObject receive = Json.createObjectBuilder().add("max", 10).build();
      assertEquals(10, api.post("queues/" + queue + "/messages:receive", receive).expect(200)
          .array().size());
    } finally {
      // Whatever failed above, the next test must not meet a node full of this one's bodies.
      api.delete("queues/" + queue + "?force=true").expect(204);
    }
    JsonObject small = Json.createObjectBuilder().add("body", "after").build();
    await("a send accepted once the queue is gone")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> api.post("queues/" + other + "/messages", small).status() == 201);
    assertFalse(memoryAlarmRaised());
    assertEquals(nodePid, node.pid(), "the node must not have been restarted");
  }

  /** Sends outside the load, whose outcomes the scenario asserts one by one. */
  private static final class Probes {
    final Api api;
    final String queue;
    final Set<String> accepted = new HashSet<>();
    int notAccepted;

    Probes(Api api, String queue) {
      this.api = api;
      this.queue = queue;
    }

    void sendRefused() {
      Api.Reply reply = send();
      reply.problem(503);
      assertNotNull(reply.header("Retry-After"), "503 without Retry-After");
    }

    void sendAccepted() {
      send().expect(201);
    }

    /** Sends one message and books its outcome, whatever the scenario expected. */
    private Api.Reply send() {
      JsonObject body = Json.createObjectBuilder().add("body", "probe").build();
      try {
        Api.Reply reply = api.post("queues/" + queue + "/messages", body);
        if (reply.status() == 201) {
          accepted.add(reply.object().getString("id"));
        } else {
          notAccepted++;
        }
        return reply;
      } catch (UncheckedIOException e) {
        notAccepted++;
        throw new AssertionError("the node did not answer: " + e.getMessage(), e);
      }
    }
  }

  /** Restarts what an earlier test may have left down: each test starts from a live pair. */
  private static void bringBackWhatIsDown() {
    if (!database.running()) {
      database.restart();
    }
    node.ensureReady(START_UP);
    await("the memory alarm clear").atMost(Duration.ofSeconds(60))
        .until(() -> !memoryAlarmRaised());
  }

  /** What {@code /health/ready} says (its data values are strings). */
  private static boolean memoryAlarmRaised() {
    String health = node.fetch("/health/ready", METRICS_TOKEN);
    if (!health.matches("(?s).*\"memoryAlarm\"\\s*:\\s*\"?(true|false).*")) {
      throw new AssertionError("no memoryAlarm in " + health);
    }
    return health.matches("(?s).*\"memoryAlarm\"\\s*:\\s*\"?true.*");
  }

  private static void awaitMidLoad(LoadGenerator load) {
    try {
      await("load under way")
          .atMost(LOAD_BUDGET)
          .until(() -> load.acks() > 0
              && (load.acknowledgedSends() >= SENDS_BEFORE_CRASH
                  || load.acknowledgedSends() >= SENDERS
                      && load.elapsed().compareTo(CRASH_AT_THE_LATEST) >= 0));
    } catch (ConditionTimeoutException e) {
      fail("the load never got under way: " + load, e);
    }
    System.out.println("[crash] crashing after " + load);
  }

  /**
   * Receives until the queue is empty but for the drain's own leases (which last an hour, so
   * nothing drained comes back); waits out the consumer's leases from before the crash with long
   * polls. Returns every id delivered, in order, duplicates included.
   */
  private static List<String> drain(Api api, String queue) {
    JsonObject receive =
        Json.createObjectBuilder()
            .add("max", 100)
            .add("waitSeconds", 2)
            .add("visibilityTimeoutSeconds", DRAIN_LEASE_SECONDS)
            .build();
    List<String> drained = new ArrayList<>();
    String[] counters = {"not read yet"};
    try {
      await("queue " + queue + " drained")
          .atMost(Duration.ofSeconds(LoadGenerator.LEASE_SECONDS + 90))
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> {
            List<JsonValue> got = api.post("queues/" + queue + "/messages:receive", receive)
                .expect(200).array();
            got.forEach(m -> drained.add(m.asJsonObject().getString("id")));
            if (!got.isEmpty()) {
              return false;
            }
            JsonObject q = api.get("queues/" + queue).expect(200).object();
            counters[0] = q.toString();
            return q.getInt("depth") == 0 && q.getInt("delayed") == 0
                && q.getInt("inFlight") == new HashSet<>(drained).size();
          });
    } catch (ConditionTimeoutException e) {
      fail("the queue did not drain; drained " + drained.size() + ", last seen " + counters[0], e);
    }
    return drained;
  }

  /**
   * The crash-safety invariants: every acknowledged send is acked or drained, nothing acked comes
   * back, nothing is drained twice, and nothing appears that was not sent.
   *
   * @param moreSent sends outside the load that were answered 201
   * @param moreUnacknowledged sends outside the load whose outcome is not known to be a commit
   */
  private static void assertNothingLostOrRepeated(
      LoadGenerator.Result load,
      Set<String> moreSent,
      int moreUnacknowledged,
      List<String> drained) {
    Set<String> drainedOnce = new HashSet<>();
    List<String> twice = drained.stream().filter(id -> !drainedOnce.add(id)).toList();
    Set<String> sent = new HashSet<>(load.sent());
    sent.addAll(moreSent);
    assertTrue(twice.isEmpty(), "drained more than once: " + sample(twice));

    Set<String> lost = new HashSet<>(sent);
    lost.removeAll(load.acked());
    lost.removeAll(load.ackOutcomeUnknown());
    lost.removeAll(drainedOnce);
    assertTrue(lost.isEmpty(), lost.size() + " sends answered 201 were lost: " + sample(lost));

    Set<String> ackedAgain = new HashSet<>(load.acked());
    ackedAgain.retainAll(drainedOnce);
    assertTrue(ackedAgain.isEmpty(),
        ackedAgain.size() + " messages acked with 204 came back: " + sample(ackedAgain));

    // A message nobody saw answered 201 can only come from a send whose answer was lost.
    Set<String> unannounced = new HashSet<>(drainedOnce);
    unannounced.addAll(load.acked());
    unannounced.removeAll(sent);
    assertTrue(unannounced.size() <= load.unacknowledgedSends() + moreUnacknowledged,
        unannounced.size() + " messages nobody sent (only " + load.unacknowledgedSends()
            + " sends went unanswered): " + sample(unannounced));

    List<Integer> errors =
        load.statuses().keySet().stream().filter(s -> s >= 500 && s != 503).toList();
    assertTrue(errors.isEmpty(), "server errors other than 503: " + load.statuses());
  }

  private static void report(
      String scenario, LoadGenerator.Result load, Set<String> probes, List<String> drained,
      String timing) {
    Set<String> drainedOnce = new HashSet<>(drained);
    Set<String> announced = new HashSet<>(load.sent());
    announced.addAll(probes);
    long unannounced = drainedOnce.stream().filter(id -> !announced.contains(id)).count();
    long unknownAcksThatHeld =
        load.ackOutcomeUnknown().stream()
            .filter(id -> !drainedOnce.contains(id) && !load.acked().contains(id))
            .count();
    System.out.printf(
        "[crash] %s: sends acknowledged %d (+%d probes), unacknowledged %d (transport errors %d),"
            + " acks 204 %d, acks with unknown outcome %d (%d of them took effect), drained %d"
            + " (%d distinct; %d of them from unanswered sends); %s; statuses %s%n",
        scenario, load.sent().size(), probes.size(), load.unacknowledgedSends(),
        load.transportErrors(), load.acked().size(), load.ackOutcomeUnknown().size(),
        unknownAcksThatHeld, drained.size(), drainedOnce.size(), unannounced, timing,
        load.statuses());
  }

  private static String sample(Collection<String> ids) {
    return ids.stream().sorted().limit(10).toList() + (ids.size() > 10 ? " ..." : "");
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
