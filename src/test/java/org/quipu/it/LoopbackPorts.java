package org.quipu.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports on 127.0.0.1 that a test's servers (nodes, MariaDB, ZooKeeper, NGINX, gRPC members) bind
 * later, chosen free now and <em>below the kernel's ephemeral range</em> (Linux's {@code
 * ip_local_port_range}, 32768 and up by default).
 *
 * <p>A server started from a test binds its port seconds or minutes after the test chose it, and
 * again after each restart. A port from the ephemeral range — what {@code new ServerSocket(0)}
 * returns — can meanwhile become the local end of one of the thousands of outgoing connections a
 * run makes (a node to MariaDB, a probe's curl, the test's HTTP client), and the server then fails
 * to bind: a CI run lost a gRPC member that way. Below that range the kernel never hands a port
 * out on its own, so only a listener can take it.
 *
 * <p>No port is handed out twice in one JVM, so two calls before either server binds (NGINX's
 * HTTP and HTTPS ports) never get the same one.
 */
public final class LoopbackPorts {

  private static final int LOWEST = 20_000;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final Set<Integer> HANDED_OUT = new HashSet<>(); // guarded by the class

  private LoopbackPorts() {}

  /** One port free now. */
  public static int free() {
    return freeRange(1, 1);
  }

  /**
   * A base B, a multiple of {@code alignment}, such that B .. B + span - 1 are all free now
   * (a cluster's ports by offset from one base, which its logs then show plainly).
   */
  public static synchronized int freeRange(int span, int alignment) {
    int slots = (ephemeralLow() - span - LOWEST) / alignment;
    if (slots < 1) {
      throw new IllegalStateException("no room for " + span + " ports between " + LOWEST
          + " and the ephemeral range at " + ephemeralLow());
    }
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = LOWEST + ThreadLocalRandom.current().nextInt(slots) * alignment;
      boolean free = true;
      for (int offset = 0; offset < span && free; offset++) {
        free = !HANDED_OUT.contains(base + offset) && isFree(base + offset);
      }
      if (free) {
        for (int offset = 0; offset < span; offset++) {
          HANDED_OUT.add(base + offset);
        }
        return base;
      }
    }
    throw new IllegalStateException("no " + span + " free ports in a row on 127.0.0.1 between "
        + LOWEST + " and " + ephemeralLow());
  }

  /** The first port of the kernel's ephemeral range (32768 where the kernel does not say). */
  static int ephemeralLow() {
    // Files.readString reads one byte of this file: procfs reports its size as 0.
    try (InputStream in = Files.newInputStream(EPHEMERAL_RANGE)) {
      String range = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | UncheckedIOException | NumberFormatException notLinux) {
      return 32_768;
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
