package org.quipu.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageContent;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueView;

/** Response bodies of the queue and message endpoints. */
public final class QueueViews {
  private QueueViews() {}

  public record QueueBody(
      String name,
      String owner,
      long visibilityTimeoutSeconds,
      Integer maxReceiveCount,
      String deadLetterQueue,
      long retentionSeconds,
      Integer maxLength,
      boolean shared,
      String createdAt,
      int depth,
      int inFlight,
      int delayed) {

    static QueueBody of(QueueView view) {
      var def = view.definition();
      QueueAttributes a = def.attributes();
      var c = view.counters();
      return new QueueBody(def.name(), def.owner(), a.visibilityTimeoutMillis() / 1000,
          a.maxReceiveCount(), a.deadLetterQueue(), a.retentionMillis() / 1000, a.maxLength(),
          a.shared(), Times.rfc3339(def.createdAtMillis()), c.ready(), c.inFlight(), c.delayed());
    }
  }

  public record Sent(String id, long seq) {}

  public record SentBatch(List<String> ids, long seq) {}

  public record Acked(int acked, List<String> stale) {}

  /** A delivered message; {@code receipt} is null when browsing. */
  public record Delivery(
      String id,
      String body,
      Map<String, String> headers,
      String sender,
      String sentAt,
      int receiveCount,
      String receipt) {

    static Delivery of(Message m, MessageContent c) {
      return new Delivery(m.id(), c.body(), c.headers(), m.sender(), Times.rfc3339(m.sentAtMillis()),
          m.receiveCount(), m.receipt());
    }

    static Delivery browsed(Message m, MessageContent c) {
      return new Delivery(m.id(), c.body(), c.headers(), m.sender(), Times.rfc3339(m.sentAtMillis()),
          m.receiveCount(), null);
    }

    /**
     * The messages with their contents, in their order; one whose content is gone (its queue
     * purged or deleted since it was taken) is left out, as it would be a moment later.
     */
    static List<Delivery> all(List<Message> messages, Map<String, MessageContent> contents,
        BiFunction<Message, MessageContent, Delivery> delivery) {
      List<Delivery> all = new ArrayList<>(messages.size());
      for (Message m : messages) {
        MessageContent c = contents.get(m.id());
        if (c != null) {
          all.add(delivery.apply(m, c));
        }
      }
      return all;
    }
  }
}
