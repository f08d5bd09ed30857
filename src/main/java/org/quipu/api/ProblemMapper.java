package org.quipu.api;

import jakarta.json.bind.JsonbException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.state.BrokerException;
import org.quipu.node.MemoryAlarmException;
import org.quipu.replication.NotCommittedException;
import org.quipu.store.MessageContents;
import org.quipu.security.LoginRefusedException;
import org.quipu.security.RateLimitedException;

/**
 * Turns every exception into problem+json with a status from API.md. Only messages written for
 * clients (broker rules, validation) reach the {@code detail}; anything unexpected is logged here
 * and answered with a generic 500, never a stack trace or SQL.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

  @Override
  public Response toResponse(Throwable thrown) {
    Throwable t = thrown;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApiException e) { // e.g. a size limit hit while JSON-B read the body
        t = e;
        break;
      }
    }
    if (t instanceof BrokerException e) {
      return switch (e.kind()) {
        case INVALID -> Problem.of(400, "Bad Request", e.getMessage()).build();
        case FORBIDDEN -> Problem.of(403, "Forbidden", e.getMessage()).build();
        case NOT_FOUND -> Problem.of(404, "Not Found", e.getMessage()).build();
        case CONFLICT -> Problem.of(409, "Conflict", e.getMessage()).build();
        case GONE -> Problem.of(410, "Gone", e.getMessage()).build();
      };
    }
    if (t instanceof ApiException e) {
      Response.ResponseBuilder problem = Problem.of(e.status(), e.title(), e.getMessage());
      e.headers().forEach(problem::header);
      return problem.build();
    }
    if (t instanceof LoginRefusedException e) {
      return e.disabled()
          ? Problem.of(403, "Forbidden", e.getMessage()).build()
          : Problem.of(401, "Unauthorized", e.getMessage())
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"quipu\"").build();
    }
    if (t instanceof RateLimitedException e) {
      return Problem.of(429, "Too Many Requests", e.getMessage())
          .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
          .build();
    }
    if (t instanceof MessageContents.ContentUnavailableException e) {
      return Problem.of(503, "Service Unavailable", e.getMessage()
              + "; a message received meanwhile is delivered again after its visibility timeout")
          .header(HttpHeaders.RETRY_AFTER, "1")
          .build();
    }
    if (t instanceof MemoryAlarmException e) {
      return Problem.of(503, "Service Unavailable", e.getMessage())
          .header(HttpHeaders.RETRY_AFTER, Integer.toString(MemoryAlarmException.RETRY_AFTER_SECONDS))
          .build();
    }
    if (t instanceof NotCommittedException e) {
      return Problem.of(503, "Service Unavailable", e.getMessage())
          .header(HttpHeaders.RETRY_AFTER, "1")
          .build();
    }
    if (t instanceof ConstraintViolationException e) {
      return new ValidationProblemMapper().toResponse(e);
    }
    if (t instanceof JsonbException || t instanceof ProcessingException) {
      return Problem.of(400, "Bad Request", "the body is not valid JSON of the expected shape")
          .build();
    }
    if (t instanceof WebApplicationException e) {
      Response original = e.getResponse();
      int status = original.getStatus();
      if (status >= 500) {
        LOG.log(Level.SEVERE, "request failed", e);
      }
      Response.ResponseBuilder problem =
          Problem.of(status, original.getStatusInfo().getReasonPhrase(), clientDetail(e, status));
      original.getHeaders().forEach((name, values) -> {
        if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
          values.forEach(v -> problem.header(name, v));
        }
      });
      return problem.build();
    }
    LOG.log(Level.SEVERE, "unexpected error", t);
    return Problem.of(500, "Internal Server Error", "the server failed to handle the request")
        .build();
  }

  /** JAX-RS's own messages are safe (they name the HTTP problem); ours are written for clients. */
  private static String clientDetail(WebApplicationException e, int status) {
    if (status >= 500 || e.getMessage() == null || e.getMessage().startsWith("HTTP ")) {
      return Response.Status.fromStatusCode(status) == null
          ? "the request failed"
          : "the request failed: " + Response.Status.fromStatusCode(status).getReasonPhrase();
    }
    return e.getMessage();
  }
}
