package org.quipu.api;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.quipu.node.Node;
import org.quipu.replication.NotCommittedException;

/**
 * {@code X-Quipu-Node} and {@code X-Quipu-Applied-Seq} on every response, and {@code
 * X-Quipu-Min-Seq} on requests: the node waits (at most {@link #MIN_SEQ_WAIT}) until it has
 * applied that sequence number, which gives read-your-writes through the load balancer. When the
 * wait runs out, a follower forwards the request to its leader ({@link LeaderReadForwarder}) and
 * relays the answer; otherwise it is a 503 ({@link MinSeqWait} decides). Also {@code
 * X-Content-Type-Options: nosniff} and {@code Cache-Control: no-store} on every answer.
 *
 * <p>A relayed answer keeps the leader's {@code X-Quipu-Node} and {@code X-Quipu-Applied-Seq}: it
 * was answered from the leader's state, and the applied seq is what the client's next {@code
 * X-Quipu-Min-Seq} should build on.
 *
 * <p>A node that does not serve reads (a follower without a lease) answers 503, except GET and
 * HEAD while it serves degraded reads ({@link Node#servesDegradedReads}: no majority of its group
 * listens, so nothing it lacks can have committed); those answers carry {@code X-Quipu-Degraded:
 * no-quorum}.
 *
 * <p>Runs after the other pre-matching filters ({@link Priorities#USER} + 100), so that the body
 * it may forward has passed {@link RequestSizeLimit} and {@link EmptyBodyFilter}.
 */
@Provider
@PreMatching
@Priority(Priorities.USER + 100)
public class NodeHeadersFilter implements ContainerRequestFilter, ContainerResponseFilter {

  static final Duration MIN_SEQ_WAIT = Duration.ofSeconds(5);
  /** The longest long poll (20 s) and 10 s more: a forwarded receive is not cut off mid-wait. */
  static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FORWARD_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Marks a request answered by the leader: the node headers of its answer stand. */
  private static final String LEADERS_ANSWER = NodeHeadersFilter.class.getName() + ".leader";
  /** Marks a read answered without a lease: its answer says so. */
  private static final String DEGRADED = NodeHeadersFilter.class.getName() + ".degraded";

  private final LeaderReadForwarder forwarder =
      new LeaderReadForwarder(FORWARD_CONNECT_TIMEOUT, FORWARD_TIMEOUT);

  @Inject Node node;

  @Override
  public void filter(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("_floor") && !node.servesReads()) {
      // A follower without a lease may hold stale state (a revoked token, a changed password):
      // it answers nothing from it — unless no commit it lacks is possible (degraded reads).
      if (!isRead(request.getMethod()) || !node.servesDegradedReads()) {
        throw new NotCommittedException("this node is not in touch with a leader right now; "
            + "another node may answer");
      }
      request.setProperty(DEGRADED, Boolean.TRUE);
    }
    String minSeq = request.getHeaderString("X-Quipu-Min-Seq");
    if (minSeq == null) {
      return;
    }
    long seq;
    try {
      seq = Long.parseLong(minSeq.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("X-Quipu-Min-Seq must be a sequence number");
    }
    MinSeqWait.Outcome outcome = MinSeqWait.await(seq, node.state().whenApplied(seq),
        MIN_SEQ_WAIT, request.getHeaderString(LeaderReadForwarder.FORWARDED_BY) != null,
        node.epoch() > 0, node::leaderAddress);
    if (outcome instanceof MinSeqWait.Refuse refused) {
      throw ApiException.unavailable(refused.detail());
    }
    if (outcome instanceof MinSeqWait.ForwardTo to) {
      LeaderReadForwarder.Answer answer =
          forwarder.forward(to.leaderAddress(), node.id(), received(request));
      request.setProperty(LEADERS_ANSWER, Boolean.TRUE);
      request.abortWith(relayed(answer));
    }
  }

  private static boolean isRead(String method) {
    return "GET".equals(method) || "HEAD".equals(method);
  }

  /** The request as it reached this node, body included (read here; it goes no further). */
  private static LeaderReadForwarder.Request received(ContainerRequestContext request) {
    URI uri = request.getUriInfo().getRequestUri();
    String pathAndQuery =
        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    byte[] body;
    try {
      body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
    } catch (IOException e) {
      throw ApiException.badRequest("the body could not be read");
    }
    return new LeaderReadForwarder.Request(request.getMethod(), pathAndQuery,
        request.getHeaders(), body);
  }

  private static Response relayed(LeaderReadForwarder.Answer answer) {
    Response.Status known = Response.Status.fromStatusCode(answer.status());
    Response.ResponseBuilder out = Response.status(answer.status(),
        known != null ? known.getReasonPhrase() : "Status " + answer.status());
    answer.headers().forEach((name, values) -> values.forEach(value -> out.header(name, value)));
    return out.entity(answer.body().length == 0 ? null : answer.body()).build();
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    MultivaluedMap<String, Object> headers = response.getHeaders();
    boolean leaders = request.getProperty(LEADERS_ANSWER) != null;
    if (!leaders || !headers.containsKey("X-Quipu-Node")) {
      headers.putSingle("X-Quipu-Node", node.id());
      headers.putSingle("X-Quipu-Applied-Seq", node.state().appliedSeq());
    }
    if (!leaders && request.getProperty(DEGRADED) != null) {
      headers.putSingle("X-Quipu-Degraded", "no-quorum");
    }
    // Every answer is live and per caller (tokens, user data, queues): never cached or sniffed.
    headers.putSingle("X-Content-Type-Options", "nosniff");
    headers.putSingle("Cache-Control", "no-store");
  }
}
