package org.quipu.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueView;
import org.quipu.node.CommandService;
import org.quipu.security.Caller;

/** {@code /queues}: create, list, read and delete queues. Messages are in {@link QueueMessagesResource}. */
@Path("queues")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class QueuesResource {

  @Inject CommandService commands;

  @PUT
  @Path("{q}")
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> create(
      @PathParam("q") @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String name,
      @Valid QueueRequests.Create body,
      @Context SecurityContext security) {
    QueueRequests.Create r = body == null ? QueueRequests.Create.DEFAULTS : body;
    var attributes =
        new QueueAttributes(
            r.visibilityTimeoutSeconds() == null
                ? QueueAttributes.DEFAULT_VISIBILITY_MILLIS
                : r.visibilityTimeoutSeconds() * 1000,
            r.maxReceiveCount(),
            r.deadLetterQueue(),
            r.retentionSeconds() == null
                ? QueueAttributes.DEFAULT_RETENTION_MILLIS
                : r.retentionSeconds() * 1000,
            r.maxLength(),
            r.shared() == null || r.shared());
    var command = new CreateQueue(name, caller(security).username(), attributes);
    return commands.execute(command).thenApply(committed -> {
      var created = (Outcome.QueueCreated) committed.outcome();
      QueueView view = commands.query(b -> b.queue(name, System.currentTimeMillis())).orElseThrow();
      return Response.status(created.created() ? 201 : 200)
          .entity(QueueViews.QueueBody.of(view))
          .build();
    });
  }

  @GET
  public Page<QueueViews.QueueBody> list(
      @QueryParam("prefix") String prefix,
      @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
      @QueryParam("cursor") String cursor) {
    String after = cursor == null ? null : decodeCursor(cursor);
    long now = System.currentTimeMillis();
    List<QueueView> views = commands.query(b -> b.queues(prefix, after, limit + 1, now));
    String next = null;
    if (views.size() > limit) {
      views = views.subList(0, limit);
      next = encodeCursor(views.get(limit - 1).definition().name());
    }
    return new Page<>(views.stream().map(QueueViews.QueueBody::of).toList(), next);
  }

  @GET
  @Path("{q}")
  public QueueViews.QueueBody get(@PathParam("q") String name) {
    return commands.query(b -> b.queue(name, System.currentTimeMillis()))
        .map(QueueViews.QueueBody::of)
        .orElseThrow(() -> BrokerException.notFound("queue '" + name + "' does not exist"));
  }

  @DELETE
  @Path("{q}")
  public CompletionStage<Response> delete(
      @PathParam("q") String name,
      @QueryParam("force") @DefaultValue("false") boolean force,
      @Context SecurityContext security) {
    return commands.execute(new DeleteQueue(name, caller(security).username(), force))
        .thenApply(committed -> Response.noContent().build());
  }

  static Caller caller(SecurityContext security) {
    return (Caller) security.getUserPrincipal();
  }

  private static String encodeCursor(String lastName) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(lastName.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("cursor is not one this API returned");
    }
  }
}
