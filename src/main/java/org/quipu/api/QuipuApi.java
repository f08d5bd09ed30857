package org.quipu.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;
import org.quipu.security.TokenAuthenticationFilter;

/**
 * The REST API lives under {@code /api/v1}. Its resources and providers are listed here rather
 * than discovered, because the WAR holds a second JAX-RS application (the console, with its own
 * cookie authentication and HTML errors) and discovery would mix the two.
 */
@ApplicationPath("/api/v1")
public class QuipuApi extends Application {

  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(
        // resources
        ClusterResource.class,
        FloorResource.class,
        QueuesResource.class,
        QueueMessagesResource.class,
        SessionsResource.class,
        SubscriptionMessagesResource.class,
        TopicsResource.class,
        UsersResource.class,
        // providers
        TokenAuthenticationFilter.class,
        EmptyBodyFilter.class,
        MatrixParamsFilter.class,
        IdempotencyKeyFilter.class,
        NodeHeadersFilter.class,
        RequestSizeLimit.class,
        StrictJsonReader.class,
        ValidatingReader.class,
        ProblemMapper.class,
        ValidationProblemMapper.class);
  }

  @Override
  public Map<String, Object> getProperties() {
    return Map.of(
        // Errors keep the problem+json body we built instead of the container's HTML error page.
        "jersey.config.server.response.setStatusOverSendError", true,
        // The API's description is /openapi; no generated WADL beside it.
        "jersey.config.server.wadl.disableWadl", true);
  }
}
