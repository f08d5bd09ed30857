package org.quipu.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells, every period, how many of a node's peers do not refuse a TCP connection to their gRPC
 * address: a plain socket connect, closed at once, with a short timeout. Only a connection the
 * peer's host refuses ({@code ECONNREFUSED}: nothing listens on that port) counts as refused; a
 * connection made, a timeout, an unknown host or any other failure counts as not refused, since a
 * peer that cannot be reached may still be alive beyond a cut. The count feeds {@link
 * org.quipu.replication.DegradedReads}, whose javadoc argues why a refused port is a member that
 * cannot be part of a majority.
 *
 * <p>One daemon thread probes the peers one after another, then hands the count to the listener
 * (on that thread), then sleeps out the rest of the period. A round thus lasts at most the period
 * plus one connect timeout per peer. Stopped by {@link #close}.
 */
public final class PeerProbe implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PeerProbe.class.getName());

  private final List<String> peers;
  private final Duration period;
  private final Duration connectTimeout;
  private final IntConsumer notRefusingPeers;
  private final Thread thread;
  private volatile boolean closed;

  private PeerProbe(List<String> peers, Duration period, Duration connectTimeout,
      IntConsumer notRefusingPeers) {
    this.peers = List.copyOf(peers);
    this.period = period;
    this.connectTimeout = connectTimeout;
    this.notRefusingPeers = notRefusingPeers;
    this.thread = new Thread(this::run, "quipu-peer-probe");
    thread.setDaemon(true);
  }

  /**
   * Starts probing.
   *
   * @param peers the other members' gRPC addresses, {@code host:port}
   * @param notRefusingPeers called after each round with how many of {@code peers} did not refuse
   */
  public static PeerProbe start(List<String> peers, Duration period, Duration connectTimeout,
      IntConsumer notRefusingPeers) {
    PeerProbe probe = new PeerProbe(peers, period, connectTimeout, notRefusingPeers);
    probe.thread.start();
    return probe;
  }

  private void run() {
    while (!closed) {
      long started = System.nanoTime();
      int notRefusing = 0;
      for (String peer : peers) {
        if (!refuses(peer, connectTimeout)) {
          notRefusing++;
        }
      }
      try {
        notRefusingPeers.accept(notRefusing);
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
