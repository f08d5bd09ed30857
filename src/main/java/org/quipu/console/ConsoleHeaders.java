package org.quipu.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import org.quipu.node.Node;

/**
 * Headers on every console response: which node answered, no caching of pages that show private
 * data, and a strict content security policy (the console loads nothing but its own scripts,
 * styles and images, and may not be framed).
 */
public class ConsoleHeaders implements ContainerResponseFilter {

  private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
      + "base-uri 'none'; object-src 'none'";

  @Inject Node node;

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    MultivaluedMap<String, Object> headers = response.getHeaders();
    headers.putSingle("X-Quipu-Node", node.id());
    headers.putSingle("X-Quipu-Applied-Seq", node.state().appliedSeq());
    headers.putSingle("Cache-Control", "no-store");
    headers.putSingle("Content-Security-Policy", POLICY);
    headers.putSingle("X-Content-Type-Options", "nosniff");
    headers.putSingle("X-Frame-Options", "DENY");
    headers.putSingle("Referrer-Policy", "same-origin");
  }
}
