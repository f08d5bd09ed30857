package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Subscription;
import org.quipu.service.Reads;

/**
 * {@code /topics/{t}/subscriptions/{s}/messages...}: consume a subscription exactly like a queue.
 * A subscription that delivers into a named queue is consumed from that queue instead. One
 * instance serves every request; the names and the caller arrive as parameters.
 */
@Path("topics")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SubscriptionMessagesResource {

  @Inject Reads reads;
  @Inject MessageActions actions;
  @Inject IdempotencyKey idempotencyKey;

  @POST
  @Path("{t}/subscriptions/{s}/messages:receive")
  public CompletionStage<List<QueueViews.Delivery>> receive(@PathParam("t") String topic,
      @PathParam("s") String subscription, @Context SecurityContext security,
      QueueRequests.Receive body) {
    return actions.receive(ownQueue(topic, subscription), user(security), body);
  }

  @DELETE
  @Path("{t}/subscriptions/{s}/messages/{receipt}")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> ack(@PathParam("t") String topic,
      @PathParam("s") String subscription, @Context SecurityContext security,
      @PathParam("receipt") String receipt) {
    return actions.ack(ownQueue(topic, subscription), user(security), receipt, idempotencyKey);
  }

  @POST
  @Path("{t}/subscriptions/{s}/messages:ack")
  public CompletionStage<QueueViews.Acked> ackMany(@PathParam("t") String topic,
      @PathParam("s") String subscription, @Context SecurityContext security,
      QueueRequests.Ack body) {
    return actions.ackMany(
        ownQueue(topic, subscription), user(security), body.receipts(), idempotencyKey);
  }

  @POST
  @Path("{t}/subscriptions/{s}/messages/{receipt}:release")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> release(@PathParam("t") String topic,
      @PathParam("s") String subscription, @Context SecurityContext security,
      @PathParam("receipt") String receipt, QueueRequests.Release body) {
    return actions.release(
        ownQueue(topic, subscription), user(security), receipt, body, idempotencyKey);
  }

  @POST
  @Path("{t}/subscriptions/{s}/messages/{receipt}:extend")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> extend(@PathParam("t") String topic,
      @PathParam("s") String subscription, @Context SecurityContext security,
      @PathParam("receipt") String receipt, QueueRequests.Extend body) {
    return actions.extend(
        ownQueue(topic, subscription), user(security), receipt, body, idempotencyKey);
  }

  /** The subscription's own queue; 404 if it does not exist, 409 if it delivers elsewhere. */
  private String ownQueue(String topic, String subscription) {
    Subscription sub = reads.query(b -> b.subscription(topic, subscription))
        .orElseThrow(() -> BrokerException.notFound(
            "subscription '" + subscription + "' on topic '" + topic + "' does not exist"));
    if (sub.queue() != null) {
      throw BrokerException.conflict("subscription '" + subscription + "' delivers into queue '"
          + sub.queue() + "': receive from that queue");
    }
    return sub.targetQueue();
  }

  private static String user(SecurityContext security) {
    return QueuesResource.caller(security).username();
  }
}
