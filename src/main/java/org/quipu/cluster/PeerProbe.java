package org.quipu.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells, every period, which of a node's peers refuse a TCP connection to their gRPC address: a
 * plain socket connect, closed at once, with a short timeout. Only a connection the peer's host
 * refuses ({@code ECONNREFUSED}: nothing listens on that port, so the peer's process is gone)
 * counts as refused; a connection made, a timeout, an unknown host or any other failure counts as
 * not refused, since a peer that cannot be reached may still be alive beyond a cut. The answer
 * feeds {@link org.quipu.replication.DegradedReads}, whose javadoc argues why a refused port is a
 * member that cannot be part of a majority, and lets the node tell {@link
 * CuratorLeadership#leaderGone} of a dead leader.
 *
 * <p>One daemon thread probes the peers one after another, then hands the ids of those that
 * refused to the listener (on that thread), then sleeps out the rest of the period. A round thus
 * lasts at most the period plus one connect timeout per peer. Stopped by {@link #close}.
 */
public final class PeerProbe implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PeerProbe.class.getName());

  private final Map<String, String> peers;
  private final Duration period;
  private final Duration connectTimeout;
  private final Consumer<Set<String>> refusingPeers;
  private final Thread thread;
  private volatile boolean closed;

  private PeerProbe(Map<String, String> peers, Duration period, Duration connectTimeout,
      Consumer<Set<String>> refusingPeers) {
    this.peers = new LinkedHashMap<>(peers);
    this.period = period;
    this.connectTimeout = connectTimeout;
    this.refusingPeers = refusingPeers;
    this.thread = new Thread(this::run, "quipu-peer-probe");
    thread.setDaemon(true);
  }

  /**
   * Starts probing.
   *
   * @param peers the other members' gRPC addresses, {@code host:port}, by member id
   * @param refusingPeers called after each round with the ids of the {@code peers} that refused
   */
  public static PeerProbe start(Map<String, String> peers, Duration period,
      Duration connectTimeout, Consumer<Set<String>> refusingPeers) {
    PeerProbe probe = new PeerProbe(peers, period, connectTimeout, refusingPeers);
    probe.thread.start();
    return probe;
  }

  private void run() {
    while (!closed) {
      long started = System.nanoTime();
      Set<String> refusing = new TreeSet<>();
      peers.forEach((id, address) -> {
        if (refuses(address, connectTimeout)) {
          refusing.add(id);
        }
      });
      try {
        refusingPeers.accept(Set.copyOf(refusing));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "the peer probe's listener failed", e);
      }
      long rest = period.toNanos() - (System.nanoTime() - started);
      try {
        if (rest > 0) {
          Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
        }
      } catch (InterruptedException e) {
        return; // closed
      }
    }
  }

  /**
   * True iff connecting to {@code hostPort} is refused: the host answered that nothing listens
   * there. Anything else — connected, timed out, no route, unknown host, a malformed address — is
   * false.
   */
  static boolean refuses(String hostPort, Duration connectTimeout) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return false;
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // [::1]:9181
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
      return false;
    } catch (ConnectException e) {
      return isRefusal(e);
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      return false;
    }
  }

  /**
   * The JDK on Linux says "Connection refused" for ECONNREFUSED; it raises other failures to
   * connect as a ConnectException too ("Network is unreachable"), a timed-out connect as a
   * SocketTimeoutException and "No route to host" as a NoRouteToHostException.
   */
  static boolean isRefusal(ConnectException e) {
    String message = e.getMessage();
    return message != null && message.toLowerCase(Locale.ROOT).contains("refused");
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
