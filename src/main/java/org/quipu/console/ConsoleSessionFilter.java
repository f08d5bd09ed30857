package org.quipu.console;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.quipu.security.AdminOnly;
import org.quipu.security.Caller;
import org.quipu.security.Logins;
import org.quipu.security.Public;

/**
 * Authenticates every console request by its session cookie, which holds an ordinary API token
 * (so the session is replicated, listed and revocable like any other). Without a live session a
 * page redirects to the login. Every POST must carry the form's CSRF token; {@link AdminOnly}
 * pages need the admin role. The caller and the CSRF token are left in request attributes for the
 * pages ({@link ConsoleResource}).
 */
@Priority(Priorities.AUTHENTICATION)
public class ConsoleSessionFilter implements ContainerRequestFilter {

  static final String SESSION_COOKIE = "quipu_session";
  static final String LOGIN_CSRF_COOKIE = "quipu_login_csrf";
  static final String CALLER = "quipu.console.caller";
  static final String CSRF_TOKEN = "quipu.console.csrf";
  /** Console forms are small; a test message is the largest (its body limit applies later). */
  private static final int MAX_FORM_BYTES = 1 << 20;

  @Context ResourceInfo resourceInfo;
  @Context HttpServletRequest servletRequest;
  @Inject Logins logins;

  @Override
  public void filter(ContainerRequestContext request) {
    var method = resourceInfo.getResourceMethod();
    if (method == null) {
      return; // no such page: the 404 is rendered by ConsoleErrors
    }
    Cookie cookie = request.getCookies().get(SESSION_COOKIE);
    Caller caller = cookie == null ? null : logins.authenticate(cookie.getValue()).orElse(null);
    boolean post = HttpMethod.POST.equals(request.getMethod());
    if (method.isAnnotationPresent(Public.class)) {
      if (post) {
        Cookie loginCsrf = request.getCookies().get(LOGIN_CSRF_COOKIE);
        requireCsrf(request, loginCsrf == null ? null : loginCsrf.getValue());
      }
      if (caller != null) {
        remember(caller, cookie.getValue());
      }
      return;
    }
    if (caller == null) {
      if (producesJson(method)) { // a chart's poll: no page to go to, just say so
        request.abortWith(Response.status(401).build());
        return;
      }
      String next = request.getUriInfo().getPath(false); // as sent: %2F stays one path segment
      String query = request.getUriInfo().getRequestUri().getRawQuery();
      if (query != null) {
        next += "?" + query;
      }
      String target = servletRequest.getContextPath() + "/console/login"
          + (post || next.isEmpty() ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      request.abortWith(Response.seeOther(URI.create(target)).build());
      return;
    }
    remember(caller, cookie.getValue());
    if (post) {
      requireCsrf(request, Csrf.forSession(cookie.getValue()));
    }
    if (method.isAnnotationPresent(AdminOnly.class) && !caller.isAdmin()) {
      throw new ConsoleException(403, "Only an admin may open this page.");
    }
  }

  private static boolean producesJson(Method method) {
    Produces produces = method.getAnnotation(Produces.class);
    return produces != null && Arrays.asList(produces.value()).contains(MediaType.APPLICATION_JSON);
  }

  private void remember(Caller caller, String sessionToken) {
    servletRequest.setAttribute(CALLER, caller);
    servletRequest.setAttribute(CSRF_TOKEN, Csrf.forSession(sessionToken));
  }

  /** Reads the form's CSRF field and puts the body back for the page to read. */
  private static void requireCsrf(ContainerRequestContext request, String expected) {
    MediaType type = request.getMediaType();
    if (type == null || !"application".equalsIgnoreCase(type.getType())
        || !"x-www-form-urlencoded".equalsIgnoreCase(type.getSubtype())) {
      throw new ConsoleException(415, "The console accepts only its own HTML forms.");
    }
    byte[] body;
    try {
      body = request.getEntityStream().readNBytes(MAX_FORM_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (body.length > MAX_FORM_BYTES) {
      throw new ConsoleException(413, "The form is larger than the console accepts (1 MiB).");
    }
    request.setEntityStream(new ByteArrayInputStream(body));
    if (!Csrf.matches(expected, formField(body, Csrf.FIELD))) {
      throw new ConsoleException(403,
          "This form has expired or did not come from the console. Reload the page and try again.");
    }
  }

  /** One field of a url-encoded form; null when it is missing or malformed. */
  private static String formField(byte[] body, String name) {
    for (String pair : new String(body, StandardCharsets.ISO_8859_1).split("&")) {
      int eq = pair.indexOf('=');
      try {
        if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException malformed) {
        return null;
      }
    }
    return null;
  }
}
