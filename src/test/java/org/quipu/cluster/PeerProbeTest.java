package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Probing peers' gRPC ports on loopback: a closed port refuses; a listening one, one that does not
 * answer, and an unknown host do not.
 */
class PeerProbeTest {

  private static final Duration TIMEOUT = Duration.ofMillis(100);

  /** A loopback port that was just bound and released: nothing listens there. */
  private static String closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Test
  void refuses_aClosedPort_isRefused() throws IOException {
    assertTrue(PeerProbe.refuses(closedPort(), TIMEOUT));
  }

  @Test
  void refuses_aListeningPort_isNotRefused() throws IOException {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertFalse(PeerProbe.refuses("127.0.0.1:" + listening.getLocalPort(), TIMEOUT));
    }
  }

  @Test
  void refuses_aPortThatDoesNotAnswer_isNotRefused() throws IOException {
    // A listener that accepts nothing, like a paused (SIGSTOPped) peer: once its backlog is full,
    // Linux drops further connection attempts and they time out.
    try (ServerSocket stalled = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      try {
        boolean full = false;
        for (int i = 0; i < 20 && !full; i++) {
          Socket socket = new Socket();
          try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                stalled.getLocalPort()), (int) TIMEOUT.toMillis());
            held.add(socket);
          } catch (SocketTimeoutException e) {
            socket.close();
            full = true;
          }
        }
        assertTrue(full, "the backlog never filled up");
        assertFalse(PeerProbe.refuses("127.0.0.1:" + stalled.getLocalPort(), TIMEOUT));
      } finally {
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  @Test
  void refuses_anUnknownHost_isNotRefused() {
    assertFalse(PeerProbe.refuses("no-such-host.invalid:9181", TIMEOUT));
  }

  @Test
  void refuses_aMalformedAddress_isNotRefused() {
    assertFalse(PeerProbe.refuses(":9181", TIMEOUT), "no host: not a peer known to be down");
    assertFalse(PeerProbe.refuses("localhost", TIMEOUT));
  }

  @Test
  void isRefusal_onlyAConnectionRefused() {
    assertTrue(PeerProbe.isRefusal(new ConnectException("Connection refused")));
    assertFalse(PeerProbe.isRefusal(new ConnectException("Network is unreachable")));
    assertFalse(PeerProbe.isRefusal(new ConnectException()));
  }

  @Test
  void start_tellsWhichPeersRefuse_everyPeriod() throws Exception {
    BlockingQueue<Set<String>> rounds = new LinkedBlockingQueue<>();
    try (ServerSocket one = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket two = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PeerProbe probe = PeerProbe.start(Map.of("n1", closedPort(),
            "n2", "127.0.0.1:" + one.getLocalPort(), "n3", "127.0.0.1:" + two.getLocalPort()),
            Duration.ofMillis(50), TIMEOUT, rounds::add)) {
      for (int round = 0; round < 3; round++) {
        Set<String> refusing = rounds.poll(5, TimeUnit.SECONDS);
        assertNotNull(refusing, "round " + round + " never came");
        assertEquals(Set.of("n1"), refusing);
      }
    }
  }
}
