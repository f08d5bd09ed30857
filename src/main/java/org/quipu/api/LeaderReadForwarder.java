package org.quipu.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a request that waited in vain for its {@code X-Quipu-Min-Seq} on a follower to the leader
 * over HTTP/1.1, and hands back the leader's answer for the follower to relay. Only {@link
 * NodeHeadersFilter} calls it, and only after that wait timed out: an ordinary request is never
 * forwarded.
 *
 * <p>The forwarded request keeps its method, raw path and query, body and the headers in {@link
 * #REQUEST_HEADERS}, and carries {@value #FORWARDED_BY} naming this node: a node that receives it
 * never forwards it again (one hop, so a stale view of who leads cannot make a loop). Of the
 * leader's answer, the status, the body and the headers in {@link #ANSWER_HEADERS} come back,
 * including the leader's own {@code X-Quipu-Node} and {@code X-Quipu-Applied-Seq}: the state
 * answered from is the leader's.
 *
 * <p>A leader that cannot be reached, refuses the connection or does not answer within the timeout
 * is a 503 with Retry-After ({@link ApiException#unavailable}): the client retries, and is never
 * answered from state older than it asked for. A write forwarded this way may have been applied by
 * a leader that answered too late; its {@code Idempotency-Key} makes the retry safe.
 *
 * <p>Thread-safe: one instance (one {@link HttpClient}) serves every request.
 */
public final class LeaderReadForwarder {

  /** Marks a forwarded request; its value is the id of the node that forwarded it. */
  public static final String FORWARDED_BY = "X-Quipu-Forwarded-By";

  /** What the leader needs to answer as this node would: identity, content and negotiation. */
  static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Accept",
      "Idempotency-Key", "X-Quipu-Min-Seq");

  /** What the client needs of the leader's answer; the rest belongs to the connection. */
  static final List<String> ANSWER_HEADERS = List.of("Content-Type", "Retry-After", "Location",
      "WWW-Authenticate", "Allow", "X-Quipu-Node", "X-Quipu-Applied-Seq");

  private static final Logger LOG = Logger.getLogger(LeaderReadForwarder.class.getName());

  /**
   * A request as this node received it.
   *
   * @param pathAndQuery the raw (still percent-encoded) path from the root, with {@code ?query}
   *     if it had one; the leader is assumed to serve the WAR at the same context path
   * @param headers any of the request's headers; only {@link #REQUEST_HEADERS} are sent on
   * @param body the body as received, empty for none
   */
  public record Request(String method, String pathAndQuery, Map<String, List<String>> headers,
      byte[] body) {}

  /** The leader's answer: its status, the {@link #ANSWER_HEADERS} it sent, and its body. */
  public record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

  private final HttpClient client;
  private final Duration timeout;

  /**
   * @param connectTimeout how long to wait for the leader's TCP connection
   * @param timeout how long to wait for the leader's answer once the request is sent
   */
  public LeaderReadForwarder(Duration connectTimeout, Duration timeout) {
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.timeout = timeout;
  }

  /**
   * Sends {@code request} to the node at {@code leaderAddress} (its HTTP base URL) marked as
   * forwarded by {@code self}, and returns its answer, whatever its status.
   *
   * @throws ApiException 503 with Retry-After when the leader cannot be reached or does not answer
   *     in time
   */
  public Answer forward(String leaderAddress, String self, Request request) {
    HttpRequest sent;
    try {
      sent = build(URI.create(leaderAddress).resolve(request.pathAndQuery()), self, request);
    } catch (IllegalArgumentException e) { // an address or method HttpClient cannot use
      LOG.log(Level.WARNING, "cannot forward to the leader at " + leaderAddress + ": "
          + e.getMessage());
      throw unreachable();
    }
    HttpResponse<byte[]> answer;
    try {
      answer = client.send(sent, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) { // refused, reset, or HttpTimeoutException
      LOG.log(Level.INFO, "the leader at " + leaderAddress + " did not answer a forwarded "
          + "request: " + e);
      throw unreachable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable();
    }
    Map<String, List<String>> relayed = new LinkedHashMap<>();
    for (String name : ANSWER_HEADERS) {
      List<String> values = answer.headers().allValues(name);
      if (!values.isEmpty()) {
        relayed.put(name, values);
      }
    }
    return new Answer(answer.statusCode(), relayed, answer.body());
  }

  private HttpRequest build(URI target, String self, Request request) {
    HttpRequest.Builder out = HttpRequest.newBuilder(target)
        .timeout(timeout)
        .method(request.method(), request.body().length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach((name, values) -> {
      if (REQUEST_HEADERS.stream().anyMatch(name::equalsIgnoreCase)) {
        values.forEach(value -> out.header(name, value));
      }
    });
    return out.header(FORWARDED_BY, self).build();
  }

  private static ApiException unreachable() {
    return ApiException.unavailable("this node has not caught up with X-Quipu-Min-Seq and the "
        + "leader did not answer the request forwarded to it; retry");
  }
}
