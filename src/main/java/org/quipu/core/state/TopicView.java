package org.quipu.core.state;

import java.util.List;

/** A topic with its subscriptions and their counters at the moment it was read. */
public record TopicView(TopicDefinition definition, List<SubscriptionView> subscriptions) {

  /** A subscription and the counters of the queue it delivers into. */
  public record SubscriptionView(Subscription subscription, QueueCounters counters) {}
}
