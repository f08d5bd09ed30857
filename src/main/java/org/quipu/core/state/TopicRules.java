package org.quipu.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteTopic;
import org.quipu.core.command.Publish;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.Unsubscribe;

/**
 * Topics and durable subscriptions. A subscription without a target queue has its own queue,
 * named {@code topic/name} and private to the subscriber; receive, ack and release on it are the
 * queue operations.
 */
final class TopicRules {

  private static final QueueAttributes OWN_QUEUE =
      new QueueAttributes(QueueAttributes.DEFAULT_VISIBILITY_MILLIS, null, null,
          QueueAttributes.DEFAULT_RETENTION_MILLIS, null, false);

  private final State state;

  TopicRules(State state) {
    this.state = state;
  }

  Outcome create(CreateTopic c, long now, List<Change> changes) {
    TopicDefinition existing = state.topics.get(c.name());
    if (existing != null) {
      if (existing.owner().equals(c.owner())) {
        return new Outcome.TopicCreated(existing, false);
      }
      throw BrokerException.conflict("topic '" + c.name() + "' already exists");
    }
    TopicDefinition topic = new TopicDefinition(c.name(), c.owner(), now);
    state.topics.put(topic.name(), topic);
    changes.add(new Change.TopicSaved(topic));
    return new Outcome.TopicCreated(topic, true);
  }

  Outcome delete(DeleteTopic c, List<Change> changes) {
    TopicDefinition topic = state.existingTopic(c.name());
    if (!topic.owner().equals(c.actor()) && !state.isAdmin(c.actor())) {
      throw BrokerException.forbidden(
          "only the owner of topic '" + c.name() + "' or an admin may delete it");
    }
    Map<String, Subscription> subs = subscriptionsOf(c.name());
    if (!c.force()) {
      for (Subscription s : subs.values()) {
        QueueState own = s.queue() == null ? state.queues.get(s.targetQueue()) : null;
        if (own != null && own.size() > 0) {
          throw BrokerException.conflict("subscription '" + s.name() + "' holds " + own.size()
              + " pending messages; use force=true");
        }
      }
    }
    for (Subscription s : new ArrayList<>(subs.values())) {
      removeSubscription(s, changes);
    }
    state.subscriptions.remove(c.name());
    state.topics.remove(c.name());
    changes.add(new Change.TopicDeleted(c.name()));
    return new Outcome.Done();
  }

  Outcome subscribe(Subscribe c, long now, List<Change> changes) {
    state.existingTopic(c.topic());
    if (!BindingKey.isValid(c.bindingKey())) {
      throw BrokerException.invalid("bindingKey '" + c.bindingKey() + "' is not a valid binding key");
    }
    Subscription existing = subscriptionsOf(c.topic()).get(c.name());
    if (existing != null) {
      if (existing.owner().equals(c.owner()) && existing.bindingKey().equals(c.bindingKey())
          && java.util.Objects.equals(existing.queue(), c.queue())) {
        return new Outcome.Subscribed(existing, false);
      }
      throw BrokerException.conflict(
          "subscription '" + c.name() + "' on topic '" + c.topic() + "' already exists");
    }
    if (c.queue() != null) {
      state.requireMaySendTo(state.existingQueue(c.queue()), c.owner());
    }
    Subscription sub = new Subscription(c.topic(), c.name(), c.owner(), c.bindingKey(), c.queue(), now);
    state.subscriptions.computeIfAbsent(c.topic(), t -> new TreeMap<>()).put(sub.name(), sub);
    changes.add(new Change.SubscriptionSaved(sub));
    if (sub.queue() == null) {
      QueueDefinition own = new QueueDefinition(sub.targetQueue(), sub.owner(), OWN_QUEUE, now);
      state.queues.put(own.name(), new QueueState(own));
      changes.add(new Change.QueueSaved(own));
    }
    return new Outcome.Subscribed(sub, true);
  }

  Outcome unsubscribe(Unsubscribe c, List<Change> changes) {
    TopicDefinition topic = state.existingTopic(c.topic());
    Subscription sub = subscriptionsOf(c.topic()).get(c.name());
    if (sub == null) {
      throw BrokerException.notFound(
          "subscription '" + c.name() + "' on topic '" + c.topic() + "' does not exist");
    }
    if (!sub.owner().equals(c.actor()) && !topic.owner().equals(c.actor())
        && !state.isAdmin(c.actor())) {
      throw BrokerException.forbidden("only the subscriber, the topic owner or an admin may"
          + " delete subscription '" + c.name() + "'");
    }
    removeSubscription(sub, changes);
    return new Outcome.Done();
  }

  Outcome publish(Publish c, long seq, long now, List<Change> changes) {
    state.existingTopic(c.topic());
    List<String> deliveredTo = new ArrayList<>();
    long order = seq * MessageRules.SLOTS;
    int copy = 0;
    for (Subscription sub : subscriptionsOf(c.topic()).values()) {
      if (!BindingKey.matches(sub.bindingKey(), c.routingKey())) {
        continue;
      }
      QueueState target = state.queues.get(sub.targetQueue());
      Integer maxLength = target == null ? null : target.definition().attributes().maxLength();
      if (target == null || (maxLength != null && target.size() >= maxLength)) {
        continue; // a deleted or full target queue gets no copy; deliveredTo says so
      }
      MessageRules.insert(target, c.id() + "." + copy++, order++, c.body(), c.headers(),
          c.sender(), now, now, changes);
      deliveredTo.add(sub.name());
    }
    return new Outcome.Published(c.id(), deliveredTo);
  }

  private Map<String, Subscription> subscriptionsOf(String topic) {
    return state.subscriptions.getOrDefault(topic, new TreeMap<>());
  }

  private void removeSubscription(Subscription sub, List<Change> changes) {
    Map<String, Subscription> subs = state.subscriptions.get(sub.topic());
    subs.remove(sub.name());
    changes.add(new Change.SubscriptionDeleted(sub.topic(), sub.name()));
    QueueState own = sub.queue() == null ? state.queues.remove(sub.targetQueue()) : null;
    if (own != null) {
      Change.MessagesDropped.ofAll(own, changes);
      changes.add(new Change.QueueDeleted(sub.targetQueue()));
    }
  }
}
