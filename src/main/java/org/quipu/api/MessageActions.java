package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.Command;
import org.quipu.core.command.ExtendLease;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Message;
import org.quipu.core.state.Outcome;
import org.quipu.service.Writes;
import org.quipu.service.Reads;
import org.quipu.service.Receiver;

/**
 * The consume side — receive, ack, release, extend — shared by queues and by subscriptions, whose
 * own queue is named {@code topic/name}. Both resources validate and then call these.
 */
@ApplicationScoped
public class MessageActions {

  @Inject Writes writes;
  @Inject Reads reads;
  @Inject Receiver receiver;

  CompletionStage<List<QueueViews.Delivery>> receive(
      String queue, String user, QueueRequests.Receive r) {
    int max = r.max() == null ? 1 : r.max();
    long wait = r.waitSeconds() == null ? 0 : r.waitSeconds() * 1000L;
    long visibility =
        r.visibilityTimeoutSeconds() == null ? -1 : r.visibilityTimeoutSeconds() * 1000L;
    return receiver.receive(queue, user, max, visibility, wait)
        .thenCompose(messages -> reads.contents().of(messages.stream().map(Message::id).toList())
            .thenApply(found -> QueueViews.Delivery.all(messages, found, QueueViews.Delivery::of)));
  }

  CompletionStage<Response> ack(String queue, String user, String receipt, IdempotencyKey key) {
    Command command = key.protect(user, new AckMessages(queue, user, List.of(receipt)));
    return writes.execute(command).thenApply(committed -> {
      var acked = (Outcome.MessagesAcked) committed.outcome();
      if (acked.acked() == 0) {
        throw new BrokerException(BrokerException.Kind.GONE,
            "the receipt is stale: the message was acked, released, redelivered or removed");
      }
      return Response.noContent().build();
    });
  }

  CompletionStage<QueueViews.Acked> ackMany(
      String queue, String user, List<String> receipts, IdempotencyKey key) {
    Command command = key.protect(user, new AckMessages(queue, user, receipts));
    return writes.execute(command).thenApply(committed -> {
      var acked = (Outcome.MessagesAcked) committed.outcome();
      return new QueueViews.Acked(acked.acked(), acked.stale());
    });
  }

  CompletionStage<Response> release(
      String queue, String user, String receipt, QueueRequests.Release r, IdempotencyKey key) {
    long delay = r.delaySeconds() == null ? 0 : r.delaySeconds() * 1000L;
    Command command = key.protect(user, new ReleaseMessage(queue, user, receipt, delay));
    return writes.execute(command).thenApply(committed -> Response.noContent().build());
  }

  CompletionStage<Response> extend(
      String queue, String user, String receipt, QueueRequests.Extend r, IdempotencyKey key) {
    Command command = key.protect(user,
        new ExtendLease(queue, user, receipt, r.visibilityTimeoutSeconds() * 1000L));
    return writes.execute(command).thenApply(committed -> Response.noContent().build());
  }
}
