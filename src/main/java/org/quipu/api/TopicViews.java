package org.quipu.api;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;
import org.quipu.core.state.Subscription;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.TopicView;

/** Response bodies of the topic endpoints. */
public final class TopicViews {
  private TopicViews() {}

  public record TopicSummary(String name, String owner, String createdAt) {
    static TopicSummary of(TopicDefinition t) {
      return new TopicSummary(t.name(), t.owner(), Times.rfc3339(t.createdAtMillis()));
    }
  }

  public record TopicBody(
      String name, String owner, String createdAt, List<SubscriptionBody> subscriptions) {
    static TopicBody of(TopicView view) {
      TopicDefinition t = view.definition();
      return new TopicBody(t.name(), t.owner(), Times.rfc3339(t.createdAtMillis()),
          view.subscriptions().stream().map(SubscriptionBody::of).toList());
    }
  }

  /** {@code queue} is null when the subscription has its own queue. */
  @JsonbNillable
  public record SubscriptionBody(
      String topic, String name, String owner, String bindingKey, String queue, String createdAt,
      int pending, int depth, int inFlight, int delayed) {
    static SubscriptionBody of(TopicView.SubscriptionView v) {
      Subscription s = v.subscription();
      var c = v.counters();
      return new SubscriptionBody(s.topic(), s.name(), s.owner(), s.bindingKey(), s.queue(),
          Times.rfc3339(s.createdAtMillis()), c.pending(), c.ready(), c.inFlight(), c.delayed());
    }
  }

  public record Published(String id, List<String> deliveredTo, long seq) {}
}
