package org.quipu.security;

import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.quipu.node.Node;

/**
 * {@code /metrics} names every queue, private ones included, so it answers only a scraper that
 * presents the node's scrape token ({@code QUIPU_METRICS_TOKEN}) or an admin's API token, both as
 * {@code Authorization: Bearer}. Anyone else gets a 401 problem (403 for a user who is not an
 * admin), and the metrics are not computed.
 *
 * <p>Payara serves MicroProfile Metrics inside the web module at the root context, which is where
 * Quipu is deployed, so a servlet filter of this WAR sees those requests before Payara's servlet.
 */
@WebFilter(urlPatterns = {"/metrics", "/metrics/*"})
public class MetricsAccessFilter extends HttpFilter {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private static final String BEARER = "Bearer ";

  @Inject Logins logins;
  @Inject Node node;

  @Inject
  @ConfigProperty(name = "quipu.metrics.token")
  Optional<String> scrapeToken;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    String authorization = request.getHeader("Authorization");
    String token = authorization != null && authorization.regionMatches(true, 0, BEARER, 0,
        BEARER.length()) ? authorization.substring(BEARER.length()).trim() : null;
    if (token == null || token.isEmpty()) {
      refuse(response, 401, "Unauthorized",
          "the metrics need the scrape token or an admin's token as a bearer token");
      return;
    }
    if (isScrapeToken(token)) {
      chain.doFilter(request, response);
      return;
    }
    Optional<Caller> caller = logins.authenticate(token);
    if (caller.isEmpty()) {
      refuse(response, 401, "Unauthorized", "the token is unknown, expired or revoked");
    } else if (!caller.get().isAdmin()) {
      refuse(response, 403, "Forbidden", "only an admin or the scrape token may read the metrics");
    } else {
      chain.doFilter(request, response);
    }
  }

  /** Compared in constant time: the comparison must not reveal how much of a guess was right. */
  private boolean isScrapeToken(String token) {
    return scrapeToken.filter(t -> !t.isBlank())
        .map(t -> MessageDigest.isEqual(t.getBytes(StandardCharsets.UTF_8),
            token.getBytes(StandardCharsets.UTF_8)))
        .orElse(false);
  }

  /**
   * A problem, with the node's headers: servlet filters run in no set order, so this refusal
   * cannot count on {@code NodeHeaderServletFilter} having run before it.
   */
  private void refuse(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    response.setHeader("X-Quipu-Node", node.id());
    response.setStatus(status);
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"quipu-metrics\"");
    }
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/problem+json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.createObjectBuilder().add("type", "about:blank")
        .add("title", title).add("status", status).add("detail", detail).build().toString());
  }
}
