package org.quipu.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.quipu.core.command.CloseSession;
import org.quipu.security.LoginRefusedException;
import org.quipu.security.RateLimitedException;
import org.quipu.security.Logins;
import org.quipu.security.Public;
import org.quipu.security.Tokens;

/** Logging in and out of the console. */
@Path("")
@RequestScoped
public class LoginPage extends ConsoleResource {

  /**
   * A console path (and query) to return to after the login, as the browser sent it (still
   * percent-encoded): relative, within the console, of URL-safe characters only.
   */
  private static final String SAFE_NEXT = "[A-Za-z0-9/._:%?&=+-]{0,500}";
  /** A login CSRF value this node issued: 256 bits, base64url. */
  private static final String LOGIN_CSRF_SHAPE = "[A-Za-z0-9_-]{43}";

  @Inject Logins logins;

  @GET
  @Path("login")
  @Public
  public Response form(@QueryParam("next") String next) {
    if (caller() != null) {
      return redirect(safeNext(next), null);
    }
    return loginPage(200, next, null, null);
  }

  @POST
  @Path("login")
  @Public
  public Response login(@FormParam("username") String username,
      @FormParam("password") String password, @FormParam("next") String next) {
    if (username == null || username.isBlank() || password == null || password.isEmpty()) {
      return loginPage(400, next, username, "Enter your user name and password.");
    }
    Logins.Login login;
    try {
      login = logins.login(username.trim(), password).toCompletableFuture()
          .get(COMMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException failed) {
      if (failed.getCause() instanceof LoginRefusedException refused) {
        return refused.disabled()
            ? loginPage(403, next, username, "This user is disabled. Ask an admin to enable it.")
            : loginPage(401, next, username, "Unknown user or wrong password.");
      }
      if (failed.getCause() instanceof RateLimitedException limited) {
        return loginPage(429, next, username, "Too many failed logins for this user name; try"
            + " again in " + limited.retryAfterSeconds() + " seconds.");
      }
      throw failed.getCause() instanceof RuntimeException e ? e : new IllegalStateException(failed);
    } catch (TimeoutException slow) {
      throw new ConsoleException(503, "The cluster did not confirm the login in time; try again.");
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      throw new ConsoleException(503, "The node is shutting down; try again.");
    }
    return Response.seeOther(URI.create(consoleUrl(safeNext(next))))
        .cookie(sessionCookie(login.token(), -1))
        .cookie(cookie(ConsoleSessionFilter.LOGIN_CSRF_COOKIE, "", 0))
        .build();
  }

  @POST
  @Path("logout")
  public Response logout() {
    commit(new CloseSession(caller().sessionId()));
    return loggedOut("You are logged out.");
  }

  /**
   * The login form with a double-submit CSRF value in a cookie and in the form. A value the browser
   * already holds is kept, so two login tabs (or a tab polling after its session ended) do not
   * spoil each other's forms.
   */
  private Response loginPage(int status, String next, String username, String error) {
    Cookie held = headers.getCookies().get(ConsoleSessionFilter.LOGIN_CSRF_COOKIE);
    String csrf = held != null && held.getValue().matches(LOGIN_CSRF_SHAPE)
        ? held.getValue()
        : Tokens.newToken();
    request.setAttribute(ConsoleSessionFilter.CSRF_TOKEN, csrf);
    Map<String, Object> model = new HashMap<>();
    model.put("next", safeNext(next));
    model.put("username", username == null ? "" : username);
    if (error != null) {
      model.put("error", error);
    }
    Response page = page(status, "login", model);
    return Response.fromResponse(page)
        .cookie(cookie(ConsoleSessionFilter.LOGIN_CSRF_COOKIE, csrf, 3600))
        .build();
  }

  private static String safeNext(String next) {
    return next != null && next.matches(SAFE_NEXT) && !next.contains("..") && !next.startsWith("/")
        && !next.contains("//") && !next.toLowerCase(Locale.ROOT).contains("%2e")
        ? next
        : "";
  }
}
