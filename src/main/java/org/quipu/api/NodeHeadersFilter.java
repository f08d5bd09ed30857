package org.quipu.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.quipu.node.Node;
import org.quipu.replication.NotCommittedException;

/**
 * {@code X-Quipu-Node} and {@code X-Quipu-Applied-Seq} on every response, and {@code
 * X-Quipu-Min-Seq} on requests: the node waits (at most {@link #MIN_SEQ_WAIT_SECONDS}) until it
 * has applied that sequence number, which gives read-your-writes through the load balancer. Also
 * {@code X-Content-Type-Options: nosniff} and {@code Cache-Control: no-store} on every answer.
 */
@Provider
@PreMatching
public class NodeHeadersFilter implements ContainerRequestFilter, ContainerResponseFilter {

  static final long MIN_SEQ_WAIT_SECONDS = 5;

  @Inject Node node;

  @Override
  public void filter(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("_floor") && !node.servesReads()) {
      // A follower without a lease may hold stale state (a revoked token, a changed password):
      // it answers nothing from it.
      throw new NotCommittedException("this node is not in touch with a leader right now; "
          + "another node may answer");
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
    try {
      node.state().whenApplied(seq).get(MIN_SEQ_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException notYet) {
      // A single node is its own leader: there is nobody more up to date to forward to.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    response.getHeaders().putSingle("X-Quipu-Node", node.id());
    response.getHeaders().putSingle("X-Quipu-Applied-Seq", node.state().appliedSeq());
    // Every answer is live and per caller (tokens, user data, queues): never cached or sniffed.
    response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
    response.getHeaders().putSingle("Cache-Control", "no-store");
  }
}
