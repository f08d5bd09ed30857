package org.quipu.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.quipu.api.QueueRequests;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageContent;
import org.quipu.core.state.Outcome;
import org.quipu.node.NodeConfig;

/** A queue's messages: sending a test message and one message's page with body and history. */
@Path("queues")
@RequestScoped
public class QueueMessagesPage extends ConsoleResource {

  @Inject NodeConfig config;
  @Inject QueueDetails details;

  @POST
  @Path("{q}/messages")
  public Response send(@PathParam("q") String queue, @FormParam("body") String body,
      @FormParam("headers") String headerLines, @FormParam("delaySeconds") String delay) {
    FieldErrors errors = FieldErrors.none();
    String text = body == null ? "" : body;
    Map<String, String> headers = Forms.message(text, headerLines, config.maxBodyBytes(), errors);
    Integer delaySeconds = Forms.optionalInt("delaySeconds", delay, errors);
    validate(new QueueRequests.Send(text, headers, delaySeconds), errors); // the API's limits
    if (errors.isEmpty()) {
      long delayMillis = delaySeconds == null ? 0 : delaySeconds * 1000L;
      var message = new SendMessages.NewMessage(UUID.randomUUID().toString(), text, headers, delayMillis);
      try {
        var sent = (Outcome.MessagesSent) commit(new SendMessages(queue, user(), List.of(message)))
            .outcome();
        return redirect("queues/" + encode(queue), "Sent message " + sent.ids().get(0) + ".");
      } catch (BrokerException refused) {
        Forms.refusal(refused.getMessage(), errors);
      }
    }
    // The queue's page again, with the form as typed and each message beside its field.
    Map<String, Object> model = details.model(caller(), queue, "", null);
    model.put("sendErrors", errors);
    model.put("sendValues", Map.of("body", text, "headers", headerLines == null ? "" : headerLines,
        "delaySeconds", delay == null ? "" : delay));
    return page(400, "queue", model);
  }

  @GET
  @Path("{q}/messages/{id}")
  public Response message(@PathParam("q") String queue, @PathParam("id") String id) {
    Message meta = reads.query(b -> b.message(queue, user(), id)).orElseThrow(() -> gone(queue, id));
    MessageContent content = reads.contents().now(List.of(id)).get(id);
    if (content == null) {
      throw gone(queue, id); // removed between the two reads
    }
    ShownMessage m = new ShownMessage(meta, content);
    long now = System.currentTimeMillis();
    Map<String, Object> model = new HashMap<>();
    model.put("section", "queues");
    model.put("queueName", queue);
    model.put("m", m);
    model.put("state", Formats.INSTANCE.state(meta, now));
    model.put("prettyJson", Formats.INSTANCE.prettyJson(m.body()));
    model.put("now", now);
    return page("message", model);
  }

  private static ConsoleException gone(String queue, String id) {
    return new ConsoleException(404, "Message " + id + " is not in queue " + queue
        + " any more: it was acked, purged, expired or moved.");
  }
}
