package org.quipu.console;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;

/** The console's JAX-RS application: its pages and its own providers, nothing of the API's. */
@ApplicationPath("/console")
public class ConsoleApp extends Application {

  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(
        // pages
        LoginPage.class,
        OverviewPage.class,
        QueuesPage.class,
        QueueMessagesPage.class,
        TopicsPage.class,
        UsersPage.class,
        SessionsPage.class,
        // providers
        ConsoleSessionFilter.class,
        ConsoleHeaders.class,
        ConsoleErrors.class);
  }

  @Override
  public Map<String, Object> getProperties() {
    return Map.of(
        // Redirects say "Location: /console/..." as written; behind NGINX's TLS an absolute URL
        // built from the node's own view of the request would point at plain http.
        "jersey.config.server.headers.location.relative.resolution.disabled", true,
        "jersey.config.server.response.setStatusOverSendError", true,
        // No generated WADL: it would list every page, admin ones included, to any user.
        "jersey.config.server.wadl.disableWadl", true);
  }
}
