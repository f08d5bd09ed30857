package org.quipu.fault;

import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.quipu.it.Api;
import org.quipu.it.LoopbackPorts;

/**
 * A whole Quipu cluster on this machine, brought up and driven by the control script exactly as an
 * operator does ({@code ./quipu up --zk 3}, {@code ./quipu kill node-2}, ...), but under a work
 * directory of the test's own ({@code QUIPU_RUN_DIR}) and on ports no developer's cluster uses.
 * Each node reaches ZooKeeper through a {@link ZooKeeperProxy} of its own, which the nemesis cuts
 * to part that node from ZooKeeper alone.
 *
 * <p>The admin's password and the {@code /metrics} scrape token are the integration tests' own
 * ({@link Api#ADMIN_PASSWORD}, {@link Api#METRICS_TOKEN}), so the API's behaviour tests run
 * against this cluster as they run against one node.
 *
 * <p>Everything the script started is stopped by {@link #close} (by PID, as {@code ./quipu down}
 * does), which a JVM shutdown hook also calls if the run ends any other way.
 */
final class QuipuCluster implements AutoCloseable {

  static final int NODES = 3;
  static final int ZOOKEEPERS = 3;
  private static final Duration UP_AT_MOST = Duration.ofMinutes(10);
  private static final Duration DRILL_AT_MOST = Duration.ofMinutes(5);
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private final Path project;
  private final Path work;
  private final int base;
  private final Map<String, ZooKeeperProxy> zooKeeperProxies = new TreeMap<>();
  private final Thread downOnExit = new Thread(this::downQuietly, "fault-suite-down-on-exit");
  private String adminToken;

  private QuipuCluster(Path project, Path work, int base) {
    this.project = project;
    this.work = work;
    this.base = base;
  }

  /** {@code ./quipu up --no-build --zk 3} with the WAR the build just packaged. */
  static QuipuCluster up(Path project, Path work) throws IOException {
    Files.createDirectories(work);
    QuipuCluster cluster = new QuipuCluster(project, work, freeBase());
    Runtime.getRuntime().addShutdownHook(cluster.downOnExit);
    for (int i = 1; i <= NODES; i++) {
      List<Integer> servers = new ArrayList<>();
      for (int z = 1; z <= ZOOKEEPERS; z++) {
        servers.add(cluster.zooKeeperPort(z));
      }
      cluster.zooKeeperProxies.put("node-" + i, new ZooKeeperProxy("node-" + i, servers));
    }
    try {
      cluster.script(UP_AT_MOST, "up", "--no-build", "--zk", Integer.toString(ZOOKEEPERS),
          "--nodes", Integer.toString(NODES));
      cluster.adminToken = cluster.login();
    } catch (IOException | RuntimeException | AssertionError failed) {
      // Read before ./quipu down, which appends its own records to the nodes' logs.
      String warnings = cluster.nodeWarnings(3);
      // The test class gets no cluster to close: whatever did start is stopped here, not when
      // the test JVM exits (a CI run kept three nodes of a failed start until its end).
      cluster.close();
      throw new IllegalStateException(failed.getMessage() + warnings, failed);
    }
    return cluster;
  }

  /**
   * The last {@code most} warnings and errors in each node's log (Payara's records, one per
   * blank-line-separated block, without colour codes, each cut to 500 characters): why a node
   * did not come up, in the failure's message, where a CI log shows it.
   */
  private String nodeWarnings(int most) {
    StringBuilder out = new StringBuilder();
    for (String node : nodes()) {
      Path log = work.resolve("run").resolve(node).resolve("node.log");
      if (!Files.exists(log)) {
        out.append("\n").append(node).append(": no log");
        continue;
      }
      List<String> records = new ArrayList<>();
      try {
        for (String record : Files.readString(log).replaceAll("\u001b\\[[0-9;]*m", "")
            .split("\n\\s*\n")) {
          // Payara warns of every expired CA in its own trust store at each start: not a cause.
          if ((record.contains("[SEVERE]") || record.contains("[WARNING]"))
              && !record.contains("[NCLS-SECURITY-05054]")) {
            records.add(record.strip()
                .replaceAll("\\[tid: [^]]*] \\[timeMillis: \\d+] \\[levelValue: \\d+] ", "")
                .replaceAll("\\s*\n\\s*", " | "));
          }
        }
      } catch (IOException | UncheckedIOException e) {
        records.add("(unreadable: " + e + ")");
      }
      out.append("\n").append(node).append(": ").append(records.size())
          .append(" warnings and errors in its log; the last:");
      records.subList(Math.max(0, records.size() - most), records.size()).forEach(record ->
          out.append("\n  ").append(record, 0, Math.min(record.length(), 500)));
    }
    return out.toString();
  }

  // --- the script's drills -----------------------------------------------------------------------

  void kill(String name) {
    script(DRILL_AT_MOST, "kill", name);
  }

  void pause(String name) {
    script(DRILL_AT_MOST, "pause", name);
  }

  void resume(String name) {
    script(DRILL_AT_MOST, "resume", name);
  }

  /** {@code ./quipu start NAME}: returns once a node is live and some node leads. */
  void start(String name) {
    script(DRILL_AT_MOST, "start", name);
  }

  /** Parts (or heals) one node from every ZooKeeper server; its gRPC and HTTP stay connected. */
  ZooKeeperProxy zooKeeperOf(String node) {
    return zooKeeperProxies.get(node);
  }

  @Override
  public void close() {
    try {
      script(DRILL_AT_MOST, "down");
    } finally {
      zooKeeperProxies.values().forEach(ZooKeeperProxy::close);
      try {
        Runtime.getRuntime().removeShutdownHook(downOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook itself is running: nothing to remove
      }
    }
  }

  private void downQuietly() {
    try {
      script(DRILL_AT_MOST, "down");
    } catch (RuntimeException | AssertionError e) {
      System.err.println("[fault] ./quipu down failed: " + e.getMessage());
    }
  }

  // --- where things are --------------------------------------------------------------------------

  /** NGINX's HTTP port: what clients use. */
  URI publicUrl() {
    return URI.create("http://127.0.0.1:" + (base + 50) + "/");
  }

  URI nodeUrl(String node) {
    return URI.create("http://127.0.0.1:" + (base + Integer.parseInt(node.substring(5)) - 1) + "/");
  }

  List<String> nodes() {
    List<String> all = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      all.add("node-" + i);
    }
    return all;
  }

  String adminToken() {
    return adminToken;
  }

  Path work() {
    return work;
  }

  private int zooKeeperPort(int server) {
    return base + 20 + server - 1;
  }

  /**
   * The node that leads, as the nodes report it: the one whose own {@code /api/v1/cluster} calls
   * itself the leader and is ready. Empty while no node does.
   */
  Optional<String> leader() {
    for (String node : nodes()) {
      Optional<JsonObject> view = get(nodeUrl(node), "api/v1/cluster", Duration.ofSeconds(2));
      if (view.isPresent() && node.equals(view.get().getString("leader", null))
          && readyStatus(node) == 200) {
        return Optional.of(node);
      }
    }
    return Optional.empty();
  }

  /** Waits until some node leads (at most {@code atMost}) and returns it. */
  String awaitLeader(Duration atMost) {
    return await("a leader").atMost(atMost).pollInterval(Duration.ofMillis(100))
        .until(this::leader, Optional::isPresent).orElseThrow();
  }

  /** A node's {@code /api/v1/cluster/digest} (state checksum at its applied seq), if it answers. */
  Optional<JsonObject> digest(String node) {
    return get(nodeUrl(node), "api/v1/cluster/digest", Duration.ofSeconds(5));
  }

  int readyStatus(String node) {
    HttpRequest request = HttpRequest.newBuilder(nodeUrl(node).resolve("health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notAnswering) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private Optional<JsonObject> get(URI node, String path, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(node.resolve(path))
        .header("Authorization", "Bearer " + adminToken).timeout(timeout).build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
        return Optional.of(reader.readObject());
      }
    } catch (IOException notAnswering) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The admin's token, by logging in through NGINX with the password the script was given. */
  private String login() throws IOException {
    String body = Json.createObjectBuilder().add("username", "admin")
        .add("password", Api.ADMIN_PASSWORD).build().toString();
    HttpRequest request = HttpRequest.newBuilder(publicUrl().resolve("api/v1/sessions"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new AssertionError("admin login through NGINX: " + response.statusCode() + " "
            + response.body());
      }
      try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
        return reader.readObject().getString("token");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // --- running the script ------------------------------------------------------------------------

  /** Runs {@code ./quipu ARGS} against this cluster; fails with the script's output if it fails. */
  private void script(Duration atMost, String... args) {
    List<String> command = new ArrayList<>();
    command.add(project.resolve("quipu").toString());
    command.addAll(List.of(args));
    Path log = work.resolve("quipu.log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(project.toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    // Only this cluster's settings: not the integration tests' database or cache settings; the
    // admin's password and the scrape token are theirs (below), so their tests pass here too.
    env.keySet().removeIf(name -> name.startsWith("QUIPU_"));
    env.put("QUIPU_RUN_DIR", work.resolve("run").toString());
    env.put("QUIPU_ADMIN_PASSWORD", Api.ADMIN_PASSWORD);
    env.put("QUIPU_METRICS_TOKEN", Api.METRICS_TOKEN);
    env.put("QUIPU_NODE_PORT", Integer.toString(base));
    env.put("QUIPU_GRPC_PORT", Integer.toString(base + 10));
    env.put("QUIPU_ZK_PORT", Integer.toString(base + 20));
    env.put("QUIPU_ZK_QUORUM_PORT", Integer.toString(base + 30));
    env.put("QUIPU_ZK_ELECTION_PORT", Integer.toString(base + 40));
    env.put("QUIPU_PORT", Integer.toString(base + 50));
    env.put("QUIPU_TLS_PORT", Integer.toString(base + 51));
    env.put("QUIPU_DB_PORT", Integer.toString(base + 52));
    // Three nodes, three ZooKeeper servers, MariaDB and Maven share two cores and 24 GiB.
    env.put("QUIPU_JAVA_OPTS", "-Xms512m -Xmx512m");
    // A short log: a node restarted under the fault suite's load is usually behind the leader's
    // base by the time it is back, so it catches up from a snapshot, not only from the log.
    env.put("QUIPU_LOG_RETAIN_ENTRIES", "1000");
    zooKeeperProxies.forEach((node, proxy) ->
        env.put("QUIPU_ZK_CONNECT_NODE_" + node.substring(5), proxy.connectString()));
    try {
      Files.writeString(log, "\n$ ./quipu " + String.join(" ", args) + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      Process process = builder.start();
      if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("./quipu " + String.join(" ", args) + " took over " + atMost
            + "\n" + tail(log, 40));
      }
      if (process.exitValue() != 0) {
        throw new AssertionError("./quipu " + String.join(" ", args) + " failed (exit "
            + process.exitValue() + ")\n" + tail(log, 40));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run ./quipu " + String.join(" ", args), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * A base port B such that B..B+52 holds every port the cluster needs free: nodes B+0..2, gRPC
   * B+10..12, ZooKeeper B+20..22 (quorum B+30.., election B+40..), NGINX B+50 and B+51, MariaDB
   * B+52. Far from the defaults (8080, 8181, 9181, 2181, 3307) a developer's cluster uses, and
   * below the ephemeral range ({@link LoopbackPorts}): the nodes bind theirs a minute or two later.
   */
  private static int freeBase() {
    return LoopbackPorts.freeRange(53, 100);
  }
}
