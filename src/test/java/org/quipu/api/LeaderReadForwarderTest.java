package org.quipu.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a real JDK HTTP server on the loopback address playing the leader. */
class LeaderReadForwarderTest {

  /** What the leader saw of one request. */
  record Seen(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {}

  private final LeaderReadForwarder forwarder =
      new LeaderReadForwarder(Duration.ofSeconds(2), Duration.ofMillis(500));
  private HttpServer leader;

  @AfterEach
  void stopLeader() {
    if (leader != null) {
      leader.stop(0);
    }
  }

  /** Starts the leader; it records each request and answers as {@code answer} says. */
  private String leader(AtomicReference<Seen> seen, int status, Map<String, String> headers,
      String body) throws IOException {
    leader = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    leader.createContext("/", exchange -> {
      seen.set(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
          exchange.getRequestBody().readAllBytes()));
      headers.forEach(exchange.getResponseHeaders()::add);
      byte[] bytes = body.getBytes(UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    leader.start();
    return "http://127.0.0.1:" + leader.getAddress().getPort();
  }

  @Test
  void forward_sendsMethodPathQueryBodyAndTheHeadersThatMatter_markedAsForwardedByThisNode()
      throws IOException {
    AtomicReference<Seen> seen = new AtomicReference<>();
    String address = leader(seen, 200, Map.of(), "[]");
    byte[] body = "{\"max\":10,\"waitSeconds\":0}".getBytes(UTF_8);

    forwarder.forward(address, "n2", new LeaderReadForwarder.Request("POST",
        "/api/v1/queues/or%20ders/messages:receive?prefix=a%2Fb&limit=5",
        Map.of("Authorization", List.of("Bearer tok"),
            "Content-Type", List.of("application/json"),
            "accept", List.of("application/json"),
            "Idempotency-Key", List.of("k-1"),
            "X-Quipu-Min-Seq", List.of("42"),
            "Cookie", List.of("quipu-console=secret"),
            "X-Quipu-Forwarded-By", List.of("someone-else")),
        body));

    Seen request = seen.get();
    assertEquals("POST", request.method());
    assertEquals("/api/v1/queues/or%20ders/messages:receive", request.rawPath());
    assertEquals("prefix=a%2Fb&limit=5", request.rawQuery());
    assertArrayEquals(body, request.body());
    assertEquals(List.of("Bearer tok"), request.headers().get("Authorization"));
    assertEquals(List.of("application/json"), request.headers().get("Content-Type"));
    assertEquals(List.of("application/json"), request.headers().get("Accept"));
    assertEquals(List.of("k-1"), request.headers().get("Idempotency-Key"));
    assertEquals(List.of("42"), request.headers().get("X-Quipu-Min-Seq"));
    assertEquals(List.of("n2"), request.headers().get(LeaderReadForwarder.FORWARDED_BY),
        "the marker names this node, whatever the client sent");
    assertNull(request.headers().get("Cookie"), "only the listed headers are sent on");
  }

  @Test
  void forward_aGetWithoutBody_reachesTheLeaderAsAGetWithoutBody() throws IOException {
    AtomicReference<Seen> seen = new AtomicReference<>();
    String address = leader(seen, 200, Map.of(), "{}");

    forwarder.forward(address, "n3",
        new LeaderReadForwarder.Request("GET", "/api/v1/queues/orders", Map.of(), new byte[0]));

    assertEquals("GET", seen.get().method());
    assertEquals("/api/v1/queues/orders", seen.get().rawPath());
    assertNull(seen.get().rawQuery());
    assertEquals(0, seen.get().body().length);
  }

  @Test
  void forward_returnsTheLeadersStatusBodyAndContentHeaders_includingWhoAnswered()
      throws IOException {
    String problem = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429}";
    String address = leader(new AtomicReference<>(), 429, Map.of(
        "Content-Type", "application/problem+json",
        "Retry-After", "3",
        "Location", "/api/v1/queues/orders",
        "X-Quipu-Node", "n1",
        "X-Quipu-Applied-Seq", "57",
        "X-Leader-Internal", "not for clients"), problem);

    LeaderReadForwarder.Answer answer = forwarder.forward(address, "n2",
        new LeaderReadForwarder.Request("GET", "/api/v1/queues/orders", Map.of(), new byte[0]));

    assertEquals(429, answer.status());
    assertEquals(problem, new String(answer.body(), UTF_8));
    assertEquals(List.of("application/problem+json"), answer.headers().get("Content-Type"));
    assertEquals(List.of("3"), answer.headers().get("Retry-After"));
    assertEquals(List.of("/api/v1/queues/orders"), answer.headers().get("Location"));
    assertEquals(List.of("n1"), answer.headers().get("X-Quipu-Node"));
    assertEquals(List.of("57"), answer.headers().get("X-Quipu-Applied-Seq"));
    assertNull(answer.headers().get("X-Leader-Internal"));
  }

  @Test
  void forward_toALeaderThatDoesNotAnswerInTime_is503WithRetryAfter() throws IOException {
    // Accepts the connection (the backlog does) and never answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      ApiException refused = assertThrows(ApiException.class, () -> forwarder.forward(
          "http://127.0.0.1:" + silent.getLocalPort(), "n2",
          new LeaderReadForwarder.Request("GET", "/api/v1/queues", Map.of(), new byte[0])));

      assertUnavailable(refused);
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5_000,
          "bounded by the forwarder's timeout");
    }
  }

  @Test
  void forward_toALeaderThatRefusesTheConnection_is503WithRetryAfter() throws IOException {
    int closedPort;
    try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      closedPort = gone.getLocalPort();
    }

    ApiException refused = assertThrows(ApiException.class, () -> forwarder.forward(
        "http://127.0.0.1:" + closedPort, "n2",
        new LeaderReadForwarder.Request("GET", "/api/v1/queues", Map.of(), new byte[0])));

    assertUnavailable(refused);
  }

  @Test
  void forward_toAnAddressThatIsNoHttpUrl_is503WithRetryAfter() {
    ApiException refused = assertThrows(ApiException.class, () -> forwarder.forward(
        "n1:8080", "n2",
        new LeaderReadForwarder.Request("GET", "/api/v1/queues", Map.of(), new byte[0])));

    assertUnavailable(refused);
  }

  private static void assertUnavailable(ApiException refused) {
    assertEquals(503, refused.status());
    assertEquals("Service Unavailable", refused.title());
    assertEquals("1", refused.headers().get("Retry-After"));
  }
}
