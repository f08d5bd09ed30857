package org.quipu.console;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.quipu.core.command.Command;
import org.quipu.core.state.BrokerException;
import org.quipu.service.Reads;
import org.quipu.service.Writes;
import org.quipu.node.Node;
import org.quipu.replication.Committed;
import org.quipu.security.Caller;

/**
 * What every console page needs: the caller, rendering a template inside the layout, redirecting
 * after a form with a one-time notice (post/redirect/get), and committing a command.
 *
 * <p>Console actions wait for their commit on the request thread (at most {@value
 * #COMMIT_TIMEOUT_SECONDS} s). The console's traffic is a person clicking, so holding a thread for
 * a few milliseconds is simpler than asynchronous rendering and costs nothing that matters.
 */
abstract class ConsoleResource {

  static final long COMMIT_TIMEOUT_SECONDS = 10;
  private static final String FLASH_COOKIE = "quipu_flash";
  private static final String THEME_COOKIE = "quipu_theme";

  /** A notice longer than this is cut: it travels in a cookie, and browsers drop big ones. */
  private static final int MAX_FLASH_CHARS = 600;

  @Inject Pages pages;
  @Inject Validator validator;
  @Inject Writes writes;
  @Inject Reads reads;
  @Inject Node node;
  @Context HttpServletRequest request;
  @Context HttpServletResponse response;
  @Context HttpHeaders headers;

  /** The logged-in user (set by {@link ConsoleSessionFilter}); null only on public pages. */
  Caller caller() {
    return (Caller) request.getAttribute(ConsoleSessionFilter.CALLER);
  }

  String user() {
    return caller().username();
  }

  Response page(String template, Map<String, Object> model) {
    return page(200, template, model);
  }

  /** Renders {@code template} with the layout's variables; a pending notice is shown and spent. */
  Response page(int status, String template, Map<String, Object> model) {
    Map<String, Object> all = new HashMap<>(model);
    all.put("me", caller());
    all.put("csrf", request.getAttribute(ConsoleSessionFilter.CSRF_TOKEN));
    all.put("servedBy", node.id());
    all.put("fmt", Formats.INSTANCE);
    all.put("theme", theme(request));
    Response.ResponseBuilder answer = Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
    Cookie flash = headers.getCookies().get(FLASH_COOKIE);
    if (flash != null) {
      String text = decode(flash.getValue());
      if (text.startsWith("e:")) {
        all.putIfAbsent("error", text.substring(2));
      } else if (text.startsWith("n:")) {
        all.putIfAbsent("notice", text.substring(2));
      }
      answer.cookie(flashCookie("", 0));
    }
    return answer.entity(pages.render(template, all, request, response)).build();
  }

  /** A page that asks before an action and says what it will do. */
  Response confirm(Confirmation confirmation) {
    return page("confirm", Map.of("section", confirmation.section(), "c", confirmation));
  }

  /** The theme the ◐ button chose (a cookie console.js sets): light, dark, or auto (the system's). */
  static String theme(HttpServletRequest request) {
    if (request.getCookies() != null) {
      for (jakarta.servlet.http.Cookie c : request.getCookies()) {
        if (THEME_COOKIE.equals(c.getName()) && c.getValue().matches("light|dark")) {
          return c.getValue();
        }
      }
    }
    return "auto";
  }

  /** 303 to another console page, which shows {@code notice} once (null for none). */
  Response redirect(String consolePath, String notice) {
    return redirectWith(consolePath, notice == null ? null : "n:" + notice);
  }

  /** 303 to another console page, which shows {@code error} once. */
  Response redirectWithError(String consolePath, String error) {
    return redirectWith(consolePath, "e:" + error);
  }

  private Response redirectWith(String consolePath, String flash) {
    Response.ResponseBuilder answer = Response.seeOther(URI.create(consoleUrl(consolePath)));
    if (flash != null) {
      if (flash.length() > MAX_FLASH_CHARS) {
        flash = flash.substring(0, MAX_FLASH_CHARS - 1) + "…";
      }
      answer.cookie(flashCookie(URLEncoder.encode(flash, StandardCharsets.UTF_8), 60));
    }
    return answer.build();
  }

  /** 303 to the login page with a notice, clearing the cookie of a session that has ended. */
  Response loggedOut(String notice) {
    return Response.fromResponse(redirect("login", notice))
        .cookie(cookie(ConsoleSessionFilter.SESSION_COOKIE, "", 0))
        .build();
  }

  /** The absolute path of a console page, e.g. {@code queues/orders}. */
  String consoleUrl(String consolePath) {
    return request.getContextPath() + "/console/" + consolePath;
  }

  /** A cookie for the console's path only, HTTP-only and same-site strict. */
  NewCookie cookie(String name, String value, int maxAgeSeconds) {
    return cookie(name, value, maxAgeSeconds, NewCookie.SameSite.STRICT);
  }

  /**
   * The session cookie is same-site lax: a link to a console page from elsewhere (a chat, a
   * ticket) then opens it logged in. Every change is a POST with a CSRF token, and lax cookies
   * are not sent on cross-site POSTs anyway.
   */
  NewCookie sessionCookie(String token, int maxAgeSeconds) {
    return cookie(ConsoleSessionFilter.SESSION_COOKIE, token, maxAgeSeconds, NewCookie.SameSite.LAX);
  }

  private NewCookie cookie(String name, String value, int maxAgeSeconds, NewCookie.SameSite sameSite) {
    return new NewCookie.Builder(name).value(value).path(request.getContextPath() + "/console")
        .maxAge(maxAgeSeconds).httpOnly(true).secure(secure()).sameSite(sameSite).build();
  }

  /**
   * Bean Validation of one of the API's request types, so the console enforces exactly the API's
   * limits; each violation becomes a sentence beside its field in {@code errors}.
   */
  void validate(Object apiRequest, FieldErrors errors) {
    validator.validate(apiRequest).stream()
        .sorted(Comparator.comparing((ConstraintViolation<?> v) -> v.getPropertyPath().toString())
            .thenComparing(ConstraintViolation::getMessage))
        .forEach(v -> errors.add(Forms.field(v.getPropertyPath().toString()),
            Forms.violation(v.getPropertyPath().toString(), v.getMessage())));
  }

  private NewCookie flashCookie(String value, int maxAgeSeconds) {
    return cookie(FLASH_COOKIE, value, maxAgeSeconds);
  }

  /** True behind TLS: NGINX terminates it and says so in X-Forwarded-Proto. */
  boolean secure() {
    return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
  }

  /** Commits a command and waits for it; a refusal is thrown as the broker's exception. */
  Committed commit(Command command) {
    try {
      return writes.execute(command).toCompletableFuture()
          .get(COMMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause();
      if (cause instanceof RuntimeException e) {
        throw e;
      }
      throw new IllegalStateException(cause);
    } catch (TimeoutException slow) {
      throw new ConsoleException(503, "The cluster did not confirm the change within "
          + COMMIT_TIMEOUT_SECONDS + " s. It may still take effect: reload the page to see.");
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      throw new ConsoleException(503, "The node is shutting down; try again.");
    }
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return "";
    }
  }

  /** The HTTP status for a refused command, as the API answers it. */
  static int status(BrokerException e) {
    return switch (e.kind()) {
      case INVALID -> 400;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
    };
  }

  /** The broker's reason for a refusal as a sentence for the page. */
  static String sentence(BrokerException e) {
    return sentence(e.getMessage());
  }

  /** A message as a sentence: capitalised, with a full stop. */
  static String sentence(String m) {
    return m == null || m.isEmpty() ? "Refused." : Character.toUpperCase(m.charAt(0)) + m.substring(1) + ".";
  }

  /** A name as one path segment of a console URL ({@code topic/subscription} keeps its slash as %2F). */
  static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
