package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.UpdateQueue;
import org.quipu.core.state.QueueCounters;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueView;
import org.quipu.service.Writes;
import org.quipu.service.Reads;
import org.quipu.security.Caller;

/** {@code /queues}: create, list, read and delete queues. Messages are in {@link QueueMessagesResource}. */
@Path("queues")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class QueuesResource {

  @Inject Writes writes;
  @Inject Reads reads;
  @Inject IdempotencyKey idempotencyKey;

  @PUT
  @Path("{q}")
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> create(
      @PathParam("q") String name,
      QueueRequests.Create r,
      @Context SecurityContext security) {
    Names.require("queue", name);
    var attributes = r.toAttributes();
    String user = caller(security).username();
    var command = idempotencyKey.protect(user, new CreateQueue(name, user, attributes));
    return writes.execute(command).thenApply(committed -> {
      var created = (Outcome.QueueCreated) committed.outcome();
      return Response.status(created.created() ? 201 : 200).entity(current(created.queue()))
          .build();
    });
  }

  @PATCH
  @Path("{q}")
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<QueueViews.QueueBody> update(
      @PathParam("q") String name,
      QueueRequests.Update r,
      @Context SecurityContext security) {
    String user = caller(security).username();
    var patch = new QueuePatch(
        r.visibilityTimeoutSeconds() == null ? null : r.visibilityTimeoutSeconds() * 1000,
        r.maxReceiveCount(), r.deadLetterQueue(),
        r.retentionSeconds() == null ? null : r.retentionSeconds() * 1000,
        r.maxLength(), r.shared(), false, false);
    var command = idempotencyKey.protect(user, new UpdateQueue(name, user, patch));
    return writes.execute(command)
        .thenApply(c -> current(((Outcome.QueueUpdated) c.outcome()).queue()));
  }

  /** The queue with its counters now; the definition the command produced if it is gone since. */
  private QueueViews.QueueBody current(QueueDefinition definition) {
    long now = System.currentTimeMillis();
    QueueView view = reads.query(b -> b.queue(definition.name(), now))
        .orElse(new QueueView(definition, new QueueCounters(0, 0, 0)));
    return QueueViews.QueueBody.of(view);
  }

  @GET
  public Page<QueueViews.QueueBody> list(
      @Context SecurityContext security,
      @QueryParam("prefix") String prefix,
      @QueryParam("limit") String limitParam,
      @QueryParam("cursor") String cursor) {
    int limit = Paging.limit(limitParam);
    String after = Cursor.after("queues", cursor, Cursor::isName);
    long now = System.currentTimeMillis();
    String viewer = caller(security).username();
    List<QueueView> views = reads.query(b -> b.queues(prefix, after, limit + 1, now, viewer));
    String next = null;
    if (views.size() > limit) {
      views = views.subList(0, limit);
      next = Cursor.issue("queues", views.get(limit - 1).definition().name());
    }
    return new Page<>(views.stream().map(QueueViews.QueueBody::of).toList(), next);
  }

  @GET
  @Path("{q}")
  public QueueViews.QueueBody get(@PathParam("q") String name, @Context SecurityContext security) {
    String viewer = caller(security).username();
    long now = System.currentTimeMillis();
    return QueueViews.QueueBody.of(reads.query(b -> b.queueFor(name, viewer, now)));
  }

  @DELETE
  @Path("{q}")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> delete(
      @PathParam("q") String name,
      @QueryParam("force") String forceParam,
      @Context SecurityContext security) {
    boolean force = QueryLimits.flag("force", forceParam);
    String user = caller(security).username();
    return writes.execute(idempotencyKey.protect(user, new DeleteQueue(name, user, force)))
        .thenApply(committed -> Response.noContent().build());
  }

  static Caller caller(SecurityContext security) {
    return (Caller) security.getUserPrincipal();
  }
}
