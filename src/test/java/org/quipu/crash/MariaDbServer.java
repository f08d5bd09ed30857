package org.quipu.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of the test's own, on 127.0.0.1 and a port of its own, with its data, socket,
 * logs, PID file and the {@code quipu} user's password under one directory. It is created by
 * {@code ./quipu db-start} and stopped by {@code ./quipu db-stop}; in between the test may
 * SIGKILL it and start it again on the same data directory.
 *
 * <p>Every process is found through {@code DIR/mariadb.pid}, which {@link #restart} rewrites, so
 * {@code db-stop} and the shutdown hook always stop the server that is running now.
 */
final class MariaDbServer {

  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

  private final Path project;
  private final Path dir;
  private final int port;
  private final String database;
  /** The server's command line as the script started it; known once {@link #kill} has run. */
  private List<String> commandLine;

  MariaDbServer(Path project, Path dir, int port, String database) {
    this.project = project;
    this.dir = dir;
    this.port = port;
    this.database = database;
  }

  /** Initialises the data directory if needed, starts the server and creates a fresh database. */
  void start() {
    quipu("db-start", dir.toString(), Integer.toString(port), database);
  }

  /**
   * Starts the server again on the data it had, after {@link #kill}.
   *
   * <p>Not through {@code ./quipu db-start}: that command always ends with {@code db_create ...
   * fresh}, which drops the database, and the test would then measure the script instead of the
   * node. Nor with a copy of the script's {@code mariadbd} flags, which would drift from it.
   * {@link #kill} reads the command line of the server the script started (from {@code
   * /proc/PID/cmdline}) and this runs exactly that again: same data directory, socket, port and
   * flags. The new PID goes to {@code mariadb.pid}, where {@code db-stop} looks. The {@code quipu}
   * user and its password live in the data directory and survive; InnoDB recovers on start.
   */
  void restart() {
    if (running()) {
      throw new IllegalStateException("MariaDB in " + dir + " is still running");
    }
    if (commandLine == null) {
      throw new IllegalStateException("MariaDB in " + dir + " was not killed by this test");
    }
    try {
      Process server =
          new ProcessBuilder(commandLine)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
              .start();
      Files.writeString(dir.resolve("mariadb.pid"), server.pid() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start mariadbd in " + dir, e);
    }
  }

  /**
   * SIGKILL: no shutdown, no flush beyond what InnoDB already made durable. Remembers the
   * server's command line for {@link #restart}.
   */
  void kill() {
    ProcessHandle server =
        process().orElseThrow(() -> new IllegalStateException("MariaDB is not running"));
    ProcessHandle.Info info = server.info();
    List<String> line = new ArrayList<>();
    line.add(info.command().orElseThrow());
    line.addAll(List.of(info.arguments().orElseThrow(
        () -> new IllegalStateException("cannot read the command line of pid " + server.pid()))));
    commandLine = List.copyOf(line);
    server.destroyForcibly();
    await("MariaDB to die").atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
  }

  /** Stops the server with {@code ./quipu db-stop} (SIGTERM, then SIGKILL after 30 s). */
  void stop() {
    quipu("db-stop", dir.toString());
  }

  /** For the shutdown hook: SIGKILL whatever server the PID file names, if it still runs. */
  void killIfRunning() {
    process().ifPresent(ProcessHandle::destroyForcibly);
  }

  boolean running() {
    return process().isPresent();
  }

  /** True when the server accepts TCP connections on its port. */
  boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  String password() {
    try {
      return Files.readString(dir.resolve("password"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JDBC URL {@code ./quipu} gives its nodes, for this server and database. */
  String jdbcUrl() {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database
        + "?rewriteBatchedStatements=true&cachePrepStmts=true&useSSL=false"
        + "&allowPublicKeyRetrieval=true&characterEncoding=UTF-8&connectTimeout=3000"
        + "&socketTimeout=30000";
  }

  /**
   * The live server named by {@code mariadb.pid}. The command is checked so that a PID the kernel
   * has since given to another process is never killed.
   */
  private Optional<ProcessHandle> process() {
    Path pidFile = dir.resolve("mariadb.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (IOException | NumberFormatException unreadable) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false));
  }

  private void quipu(String... args) {
    Path log = dir.getParent().resolve("quipu-script.log");
    List<String> command = new ArrayList<>();
    command.add(project.resolve("quipu").toString());
    command.addAll(List.of(args));
    try {
      Files.createDirectories(dir.getParent());
      Process script =
          new ProcessBuilder(command)
              .directory(project.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      String what = "./quipu " + String.join(" ", args);
      if (!script.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        script.destroyForcibly();
        throw new IllegalStateException(what + " timed out; see " + log);
      }
      if (script.exitValue() != 0) {
        throw new IllegalStateException(
            what + " exited with " + script.exitValue() + "; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
