package org.quipu.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** The REST API lives under {@code /api/v1}; resources and providers are discovered. */
@ApplicationPath("/api/v1")
public class QuipuApi extends Application {

  @Override
  public Map<String, Object> getProperties() {
    // Errors keep the problem+json body we built instead of the container's HTML error page.
    return Map.of("jersey.config.server.response.setStatusOverSendError", true);
  }
}
