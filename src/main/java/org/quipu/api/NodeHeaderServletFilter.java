package org.quipu.api;

import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.quipu.node.Node;

/**
 * {@code X-Quipu-Node} and {@code X-Quipu-Applied-Seq} on what the WAR answers outside the REST
 * API: console pages, static assets, and the container's error pages ({@link ErrorPageServlet},
 * also for API paths the container refused before JAX-RS). API requests get theirs from {@link
 * NodeHeadersFilter}, after the request, so the applied sequence number covers their own write.
 *
 * <p>Async-supported: the API suspends requests (long polls, CompletionStage), and one filter
 * without it in the chain makes every such request fail.
 *
 * <p>With the WAR at the context root (as {@code ./quipu up} deploys it) Payara serves {@code
 * /health}, {@code /metrics} and {@code /openapi} through this filter too. It cannot reach the
 * errors Grizzly and Catalina answer before any application (see the README).
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true,
    dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ERROR})
public class NodeHeaderServletFilter extends HttpFilter {

  @Inject Node node;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    boolean api = request.getDispatcherType() == DispatcherType.REQUEST
        && request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    if (!api) {
      response.setHeader("X-Quipu-Node", node.id());
      var state = node.state(); // null until the node has loaded its state
      if (state != null) {
        response.setHeader("X-Quipu-Applied-Seq", Long.toString(state.appliedSeq()));
      }
    }
    chain.doFilter(request, response);
  }
}
