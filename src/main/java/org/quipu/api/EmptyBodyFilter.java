package org.quipu.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * An empty body on POST, PUT or PATCH means an empty JSON object, as SQS and RabbitMQ clients
 * expect ({@code PUT /queues/q} with no body creates a queue with defaults). Required fields are
 * still enforced by validation, so an empty send is a 400, not a message.
 */
@Provider
@PreMatching
public class EmptyBodyFilter implements ContainerRequestFilter {

  private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

  @Override
  public void filter(ContainerRequestContext request) {
    if (!WITH_BODY.contains(request.getMethod()) || request.hasEntity()) {
      return;
    }
    request.setEntityStream(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)));
    if (request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null) {
      request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
    }
  }
}
