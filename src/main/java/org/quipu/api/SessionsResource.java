package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.CloseSession;
import org.quipu.core.state.Session;
import org.quipu.service.Writes;
import org.quipu.service.Reads;
import org.quipu.security.AdminOnly;
import org.quipu.security.Caller;
import org.quipu.security.Logins;
import org.quipu.security.Public;

/** {@code /sessions}: log in, log out, and the admin's list and revocation of live sessions. */
@Path("sessions")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {

  @Inject Writes writes;
  @Inject Reads reads;
  @Inject Logins logins;
  @Inject IdempotencyKey idempotencyKey;

  @POST
  @Public
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> login(UserRequests.Login request) {
    return logins.login(request.username(), request.password()).thenApply(login -> {
      var view = new UserViews.LoginView(login.token(),
          Times.rfc3339(login.session().expiresAtMillis()), login.user().username(),
          login.user().role().wireName());
      return Response.status(201).entity(view).build();
    });
  }

  @DELETE
  @Path("current")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> logout(@Context SecurityContext security) {
    Caller caller = (Caller) security.getUserPrincipal();
    return close(caller.username(), caller.sessionId());
  }

  @GET
  @AdminOnly
  public Page<UserViews.SessionView> list(
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return Paging.page("sessions", reads.query(b -> b.sessions()), Session::id,
        SessionsResource::isSessionId, limit, cursor, UserViews.SessionView::of);
  }

  /** Session ids are UUIDs ({@code Logins}). */
  private static boolean isSessionId(String key) {
    return key.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @DELETE
  @Path("{id}")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  @AdminOnly
  public CompletionStage<Response> revoke(
      @PathParam("id") String id, @Context SecurityContext security) {
    return close(((Caller) security.getUserPrincipal()).username(), id);
  }

  /** A retried revoke replays its first answer; a retried logout finds its token gone (401). */
  private CompletionStage<Response> close(String actor, String sessionId) {
    return writes.execute(idempotencyKey.protect(actor, new CloseSession(sessionId)))
        .thenApply(committed -> Response.noContent().build());
  }
}
