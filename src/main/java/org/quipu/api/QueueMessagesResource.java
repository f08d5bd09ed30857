package org.quipu.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Outcome;
import org.quipu.node.CommandService;
import org.quipu.node.NodeConfig;
import org.quipu.node.Receiver;

/** {@code /queues/{q}/messages...}: send, batch send, receive, ack and browse. */
@Path("queues")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QueueMessagesResource {

  @Inject CommandService commands;
  @Inject Receiver receiver;
  @Inject NodeConfig config;

  @PathParam("q")
  String queue;

  @Context SecurityContext security;

  @POST
  @Path("{q}/messages")
  public CompletionStage<Response> send(@NotNull @Valid QueueRequests.Send message) {
    var command = new SendMessages(queue, sender(), List.of(newMessage(message)));
    return commands.execute(command).thenApply(committed -> {
      var sent = (Outcome.MessagesSent) committed.outcome();
      return Response.status(201).entity(new QueueViews.Sent(sent.ids().get(0), committed.seq()))
          .build();
    });
  }

  @POST
  @Path("{q}/messages:batch")
  public CompletionStage<Response> sendBatch(@NotNull @Valid QueueRequests.Batch batch) {
    if (batch.messages().size() > config.maxBatchMessages()) {
      throw ApiException.badRequest(
          "a batch holds at most " + config.maxBatchMessages() + " messages");
    }
    var messages = batch.messages().stream().map(this::newMessage).toList();
    return commands.execute(new SendMessages(queue, sender(), messages)).thenApply(committed -> {
      var sent = (Outcome.MessagesSent) committed.outcome();
      return Response.status(201).entity(new QueueViews.SentBatch(sent.ids(), committed.seq()))
          .build();
    });
  }

  @POST
  @Path("{q}/messages:receive")
  public CompletionStage<List<QueueViews.Delivery>> receive(@Valid QueueRequests.Receive body) {
    QueueRequests.Receive r = body == null ? QueueRequests.Receive.DEFAULTS : body;
    int max = r.max() == null ? 1 : r.max();
    long wait = r.waitSeconds() == null ? 0 : r.waitSeconds() * 1000L;
    long visibility = r.visibilityTimeoutSeconds() == null ? -1 : r.visibilityTimeoutSeconds() * 1000L;
    return receiver.receive(queue, sender(), max, visibility, wait)
        .thenApply(messages -> messages.stream().map(QueueViews.Delivery::of).toList());
  }

  @DELETE
  @Path("{q}/messages/{receipt}")
  public CompletionStage<Response> ack(@PathParam("receipt") String receipt) {
    return commands.execute(new AckMessages(queue, sender(), List.of(receipt)))
        .thenApply(committed -> {
          var acked = (Outcome.MessagesAcked) committed.outcome();
          if (acked.acked() == 0) {
            throw new BrokerException(BrokerException.Kind.GONE,
                "the receipt is stale: the message was acked, redelivered or removed");
          }
          return Response.noContent().build();
        });
  }

  @POST
  @Path("{q}/messages:ack")
  public CompletionStage<QueueViews.Acked> ackMany(@NotNull @Valid QueueRequests.Ack body) {
    return commands.execute(new AckMessages(queue, sender(), body.receipts()))
        .thenApply(committed -> {
          var acked = (Outcome.MessagesAcked) committed.outcome();
          return new QueueViews.Acked(acked.acked(), acked.stale());
        });
  }

  @GET
  @Path("{q}/messages")
  public List<QueueViews.Delivery> browse(
      @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
    return commands.query(b -> b.browse(queue, sender(), limit)).stream()
        .map(QueueViews.Delivery::browsed)
        .toList();
  }

  private String sender() {
    return QueuesResource.caller(security).username();
  }

  private SendMessages.NewMessage newMessage(QueueRequests.Send m) {
    int bytes = m.body().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.maxBodyBytes()) {
      throw ApiException.tooLarge(
          "message body is " + bytes + " bytes; the limit is " + config.maxBodyBytes());
    }
    Map<String, String> headers = m.headers() == null ? Map.of() : m.headers();
    long delay = m.delaySeconds() == null ? 0 : m.delaySeconds() * 1000L;
    return new SendMessages.NewMessage(UUID.randomUUID().toString(), m.body(), headers, delay);
  }
}
