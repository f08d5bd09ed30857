package org.quipu.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Quipu node as a real Payara Micro process, started exactly as {@code ./quipu up} starts one
 * (same JVM flags and Payara options), on 127.0.0.1 and a fixed port so that it comes back at the
 * same address after {@link #kill}. Its output is appended to one log file across restarts.
 *
 * <p>Not thread-safe: the test thread starts, kills and stops it; {@link #ready} may be called
 * from anywhere.
 */
final class NodeProcess {

  private static final HttpClient HEALTH =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private final Path microJar;
  private final Path war;
  private final Path dir;
  private final int port;
  private final Map<String, String> environment;
  private Process process;

  /**
   * @param environment the node's {@code QUIPU_*} settings; every other {@code QUIPU_*} variable
   *     of the test JVM (the integration tests' database, for one) is withheld from the node
   */
  NodeProcess(Path microJar, Path war, Path dir, int port, Map<String, String> environment) {
    this.microJar = microJar;
    this.war = war;
    this.dir = dir;
    this.port = port;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Starts the node with an empty Payara root directory. Payara Micro records the deployed WAR in
   * its root directory and loads it again on the next start before {@code --deploy} deploys it a
   * second time: the first copy restores the state and answers ready for a few seconds, then is
   * undeployed and the second copy restores it all over again. The node's durable state lives in
   * MariaDB, so a clean root directory is the restart we mean to test.
   */
  void start() {
    if (alive()) {
      throw new IllegalStateException("the node is already running (pid " + process.pid() + ")");
    }
    deleteTree(dir.resolve("payara"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        List.of(
            java.toString(), "-Xms256m", "-Xmx512m", "-jar", microJar.toString(),
            "--nocluster", "--port", Integer.toString(port), "--contextroot", "/",
            "--deploy", war.toString(), "--rootdir", dir.resolve("payara").toString());
    try {
      Files.createDirectories(dir);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
      builder.environment().keySet().removeIf(name -> name.startsWith("QUIPU_"));
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the node", e);
    }
  }

  /** Starts the node unless it runs; waits until it is ready. */
  void ensureReady(Duration atMost) {
    if (!alive()) {
      start();
    }
    awaitReady(atMost);
  }

  /** Waits until {@code /health/ready} answers 200; fails at once if the process exits. */
  void awaitReady(Duration atMost) {
    try {
      await("node ready on port " + port + " (log: " + log() + ")")
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(250))
          .failFast("the node exited; see " + log(), () -> !alive())
          .until(this::ready);
    } catch (RuntimeException | AssertionError notReady) {
      // CI keeps the report, not target/: the node's own account of why goes with the failure.
      throw new AssertionError(notReady.getMessage() + "\n--- last lines of " + log() + "\n"
          + logTail(40), notReady);
    }
  }

  private String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log());
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** SIGKILL ({@link Process#destroyForcibly} on Linux): no shutdown hook, no @PreDestroy. */
  void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(30));
  }

  /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
  void stop() {
    if (!alive()) {
      return;
    }
    process.destroy();
    if (!waitForExit(Duration.ofSeconds(30))) {
      kill();
    }
  }

  /** For the shutdown hook. */
  void killIfRunning() {
    if (alive()) {
      process.destroyForcibly();
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  URL url() {
    try {
      return URI.create("http://127.0.0.1:" + port + "/").toURL();
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  Path log() {
    return dir.resolve("node.log");
  }

  /** The status of {@code GET /health/ready}, or -1 when the node does not answer. */
  int readyStatus() {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      return HEALTH.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notAnswering) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The body of a GET of {@code path} on the node (such as {@code /health/ready}). */
  String fetch(String path, String bearerToken) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + bearerToken)
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      return HEALTH.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  boolean ready() {
    return readyStatus() == 200;
  }

  static void deleteTree(Path root) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  private boolean waitForExit(Duration atMost) {
    try {
      return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
