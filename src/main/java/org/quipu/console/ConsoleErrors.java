package org.quipu.console;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.state.BrokerException;
import org.quipu.node.Node;
import org.quipu.node.MemoryAlarmException;
import org.quipu.replication.NotCommittedException;
import org.quipu.store.MessageContents;
import org.quipu.security.Logins;

/**
 * Every failure in the console becomes a page in the layout with a plain-language message: the
 * broker's own explanation for a refused action, a generic one (logged here) for anything
 * unexpected. No stack trace, class name or SQL reaches the browser.
 */
public class ConsoleErrors implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(ConsoleErrors.class.getName());

  @Inject Pages pages;
  @Inject Node node;
  @Inject Logins logins;
  @Context HttpServletRequest request;
  @Context HttpServletResponse response;

  @Override
  public Response toResponse(Throwable thrown) {
    Throwable t = thrown;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    int status;
    String detail;
    if (t instanceof ConsoleException e) {
      status = e.status();
      detail = e.getMessage();
    } else if (t instanceof BrokerException e) {
      status = ConsoleResource.status(e);
      detail = ConsoleResource.sentence(e);
    } else if (t instanceof MessageContents.ContentUnavailableException) {
      status = 503;
      detail = "Message bodies cannot be read from the store right now; try again shortly.";
    } else if (t instanceof MemoryAlarmException) {
      status = 503;
      detail = "This node is short of memory and refuses new messages until its queues are"
          + " drained. Nothing was sent; receiving and deleting messages still work.";
    } else if (t instanceof NotCommittedException) {
      status = 503;
      detail = "The cluster cannot accept changes right now. Nothing was changed; try again shortly.";
    } else if (t instanceof NotFoundException) {
      status = 404;
      detail = "There is no console page at this address.";
    } else if (t instanceof WebApplicationException e && e.getResponse().getStatus() < 500) {
      status = e.getResponse().getStatus();
      detail = "The console cannot answer this request (" + e.getResponse().getStatusInfo()
          .getReasonPhrase() + ").";
    } else {
      LOG.log(Level.SEVERE, "console request failed", t);
      status = 500;
      detail = "Something went wrong on node " + node.id() + ". The error was logged there.";
    }
    Map<String, Object> model = new HashMap<>();
    model.put("status", status);
    model.put("heading", heading(status));
    model.put("detail", detail);
    rememberCaller();
    model.put("me", request.getAttribute(ConsoleSessionFilter.CALLER));
    model.put("csrf", request.getAttribute(ConsoleSessionFilter.CSRF_TOKEN));
    model.put("servedBy", node.id());
    model.put("fmt", Formats.INSTANCE);
    model.put("theme", ConsoleResource.theme(request));
    String html = pages.render("error", model, request, response);
    return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .entity(html).build();
  }

  /**
   * An address that matches no page never reaches {@link ConsoleSessionFilter} (JAX-RS runs it
   * after matching), so the caller is looked up here: a logged-in 404 keeps the navigation.
   */
  private void rememberCaller() {
    if (request.getAttribute(ConsoleSessionFilter.CALLER) != null || request.getCookies() == null) {
      return;
    }
    for (jakarta.servlet.http.Cookie c : request.getCookies()) {
      if (ConsoleSessionFilter.SESSION_COOKIE.equals(c.getName())) {
        logins.authenticate(c.getValue()).ifPresent(caller -> {
          request.setAttribute(ConsoleSessionFilter.CALLER, caller);
          request.setAttribute(ConsoleSessionFilter.CSRF_TOKEN, Csrf.forSession(c.getValue()));
        });
      }
    }
  }

  private static String heading(int status) {
    return switch (status) {
      case 400 -> "That did not work";
      case 401 -> "Please log in";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 413 -> "Too large";
      case 415 -> "Not a console form";
      case 503 -> "Try again shortly";
      default -> status >= 500 ? "Something went wrong" : "That did not work";
    };
  }
}
