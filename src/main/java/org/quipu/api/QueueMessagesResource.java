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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.Message;
import org.quipu.core.state.Outcome;
import org.quipu.service.Writes;
import org.quipu.service.Reads;
import org.quipu.service.Redrives;
import org.quipu.node.NodeConfig;

/**
 * {@code /queues/{q}/messages...}: send, receive, ack, release, extend, purge, redrive, browse.
 *
 * <p>One instance serves every request (the send path's hottest resource): the queue and the
 * caller arrive as parameters rather than as fields injected into a new instance per request.
 */
@Path("queues")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QueueMessagesResource {

  @Inject Writes writes;
  @Inject Reads reads;
  @Inject MessageActions actions;
  @Inject NodeConfig config;
  @Inject IdempotencyKey idempotencyKey;

  @POST
  @Path("{q}/messages")
  public CompletionStage<Response> send(@PathParam("q") String queue,
      @Context SecurityContext security, QueueRequests.Send message) {
    Names.require("queue", queue);
    String user = user(security);
    var command = new SendMessages(queue, user, List.of(newMessage(message)));
    return writes.execute(idempotencyKey.protect(user, command)).thenApply(committed -> {
      var sent = (Outcome.MessagesSent) committed.outcome();
      return Response.status(201).entity(new QueueViews.Sent(sent.ids().get(0), committed.seq()))
          .build();
    });
  }

  @POST
  @Path("{q}/messages:batch")
  public CompletionStage<Response> sendBatch(@PathParam("q") String queue,
      @Context SecurityContext security, QueueRequests.Batch batch) {
    Names.require("queue", queue);
    if (batch.messages().size() > config.maxBatchMessages()) {
      throw ApiException.badRequest(
          "a batch holds at most " + config.maxBatchMessages() + " messages");
    }
    String user = user(security);
    var messages = batch.messages().stream().map(this::newMessage).toList();
    var command = new SendMessages(queue, user, messages);
    return writes.execute(idempotencyKey.protect(user, command)).thenApply(committed -> {
      var sent = (Outcome.MessagesSent) committed.outcome();
      return Response.status(201).entity(new QueueViews.SentBatch(sent.ids(), committed.seq()))
          .build();
    });
  }

  @POST
  @Path("{q}/messages:receive")
  public CompletionStage<List<QueueViews.Delivery>> receive(@PathParam("q") String queue,
      @Context SecurityContext security, QueueRequests.Receive body) {
    Names.require("queue", queue);
    return actions.receive(queue, user(security), body);
  }

  @DELETE
  @Path("{q}/messages/{receipt}")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> ack(@PathParam("q") String queue,
      @Context SecurityContext security, @PathParam("receipt") String receipt) {
    Names.require("queue", queue);
    return actions.ack(queue, user(security), receipt, idempotencyKey);
  }

  @POST
  @Path("{q}/messages:ack")
  public CompletionStage<QueueViews.Acked> ackMany(@PathParam("q") String queue,
      @Context SecurityContext security, QueueRequests.Ack body) {
    Names.require("queue", queue);
    return actions.ackMany(queue, user(security), body.receipts(), idempotencyKey);
  }

  @POST
  @Path("{q}/messages/{receipt}:release")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> release(@PathParam("q") String queue,
      @Context SecurityContext security, @PathParam("receipt") String receipt,
      QueueRequests.Release body) {
    Names.require("queue", queue);
    return actions.release(queue, user(security), receipt, body, idempotencyKey);
  }

  @POST
  @Path("{q}/messages/{receipt}:extend")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> extend(@PathParam("q") String queue,
      @Context SecurityContext security, @PathParam("receipt") String receipt,
      QueueRequests.Extend body) {
    Names.require("queue", queue);
    return actions.extend(queue, user(security), receipt, body, idempotencyKey);
  }

  @POST
  @Path("{q}/messages:purge")
  public CompletionStage<Map<String, Integer>> purge(@PathParam("q") String queue,
      @Context SecurityContext security) {
    Names.require("queue", queue);
    String user = user(security);
    return writes.execute(idempotencyKey.protect(user, new PurgeQueue(queue, user)))
        .thenApply(c -> Map.of("purged", ((Outcome.Purged) c.outcome()).purged()));
  }

  @POST
  @Path("{q}/messages:redrive")
  public CompletionStage<Map<String, Integer>> redrive(@PathParam("q") String queue,
      @Context SecurityContext security, QueueRequests.Redrive body) {
    Names.require("queue", queue);
    String user = user(security);
    var command = Redrives.command(queue, user, body.toQueue(), body.max());
    return writes.execute(idempotencyKey.protect(user, command))
        .thenApply(c -> Map.of("moved", ((Outcome.Redriven) c.outcome()).moved()));
  }

  @GET
  @Path("{q}/messages")
  public Page<QueueViews.Delivery> browse(@PathParam("q") String queue,
      @Context SecurityContext security,
      @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
    Names.require("queue", queue);
    int limit = Paging.limit(limitParam);
    String after = Cursor.after("browse:" + queue, cursor, key -> key.matches("[0-9]{1,18}"));
    long afterOrder = after == null ? -1 : Long.parseLong(after);
    String user = user(security);
    List<Message> messages = reads.query(b -> b.browse(queue, user, afterOrder, limit + 1));
    String next = null;
    if (messages.size() > limit) {
      messages = messages.subList(0, limit);
      next = Cursor.issue("browse:" + queue, Long.toString(messages.get(limit - 1).order()));
    }
    var found = reads.contents().now(messages.stream().map(Message::id).toList());
    return new Page<>(QueueViews.Delivery.all(messages, found, QueueViews.Delivery::browsed), next);
  }

  private static String user(SecurityContext security) {
    return QueuesResource.caller(security).username();
  }

  private SendMessages.NewMessage newMessage(QueueRequests.Send m) {
    BodyLimit.check(m.body(), config.maxBodyBytes());
    Map<String, String> headers = m.headers() == null ? Map.of() : m.headers();
    long delay = m.delaySeconds() == null ? 0 : m.delaySeconds() * 1000L;
    return new SendMessages.NewMessage(UUID.randomUUID().toString(), m.body(), headers, delay);
  }
}
