package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.DeleteUser;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.UpdateUser;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.Role;
import org.quipu.core.state.User;
import org.quipu.service.Writes;
import org.quipu.service.Reads;
import org.quipu.security.AdminOnly;
import org.quipu.security.AttemptLimits;
import org.quipu.security.Caller;
import org.quipu.security.PasswordHasher;
import org.quipu.security.Public;

/** {@code /users}: registration, who-am-I and the admin's list of users. */
@Path("users")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

  @Inject Writes writes;
  @Inject Reads reads;
  @Inject PasswordHasher passwords;
  @Inject AttemptLimits limits;
  @Inject IdempotencyKey idempotencyKey;

  @POST
  @Public
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> register(UserRequests.Register request) {
    limits.register(request.username()); // before the slow hash: a flood costs us nothing
    // Hash before the command: the slow part stays off the write path's threads.
    var command =
        new RegisterUser(request.username(), passwords.hash(request.password()), Role.USER);
    // No caller yet: the key is scoped to the name being registered.
    String scope = "register:" + request.username();
    return writes.execute(idempotencyKey.protect(scope, command)).thenApply(committed -> {
      var user = ((Outcome.UserRegistered) committed.outcome()).user();
      return Response.status(201).entity(UserViews.UserView.of(user)).build();
    });
  }

  @GET
  @Path("me")
  public UserViews.UserView me(@Context SecurityContext security) {
    Caller caller = (Caller) security.getUserPrincipal();
    return reads.query(b -> b.user(caller.username()))
        .map(UserViews.UserView::of)
        .orElseThrow(() -> new ApiException(401, "Unauthorized", "the user no longer exists"));
  }

  @GET
  @AdminOnly
  public Page<UserViews.UserView> list(
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return Paging.page("users", reads.query(b -> b.users()), User::username, Cursor::isName,
        limit, cursor, UserViews.UserView::of);
  }

  @PATCH
  @Path("{name}")
  @AdminOnly
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<UserViews.UserView> update(
      @PathParam("name") String name,
      UserRequests.Update request,
      @Context SecurityContext security) {
    String actor = ((Caller) security.getUserPrincipal()).username();
    var command = new UpdateUser(name, actor,
        request.role() == null ? null : Role.fromWire(request.role()),
        request.disabled(),
        request.password() == null ? null : passwords.hash(request.password()));
    return writes.execute(idempotencyKey.protect(actor, command))
        .thenApply(c -> UserViews.UserView.of(((Outcome.UserUpdated) c.outcome()).user()));
  }

  @DELETE
  @Path("{name}")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  @AdminOnly
  public CompletionStage<Response> delete(
      @PathParam("name") String name, @Context SecurityContext security) {
    String actor = ((Caller) security.getUserPrincipal()).username();
    return writes.execute(idempotencyKey.protect(actor, new DeleteUser(name, actor)))
        .thenApply(c -> Response.noContent().build());
  }
}
