package org.quipu.core.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.UpdateQueue;

/** Queues as resources: create, change, purge, delete. */
final class QueueRules {

  private final State state;

  QueueRules(State state) {
    this.state = state;
  }

  Outcome create(CreateQueue c, long now, List<Change> changes) {
    QueueState existing = state.queues.get(c.name());
    if (existing != null) {
      QueueDefinition def = existing.definition();
      if (def.owner().equals(c.owner()) && def.attributes().equals(c.attributes())) {
        return new Outcome.QueueCreated(def, false);
      }
      throw BrokerException.conflict("queue '" + c.name() + "' already exists");
    }
    checkAttributes(c.name(), c.attributes(), c.owner());
    QueueDefinition def = new QueueDefinition(c.name(), c.owner(), c.attributes(), now);
    state.queues.put(def.name(), new QueueState(def));
    changes.add(new Change.QueueSaved(def));
    return new Outcome.QueueCreated(def, true);
  }

  Outcome update(UpdateQueue c, List<Change> changes) {
    QueueState queue = state.existingQueue(c.name());
    state.requireManager(queue, c.actor());
    refuseSubscriptionQueue(c.name(), "its attributes are fixed");
    QueueDefinition old = queue.definition();
    QueueAttributes merged = c.patch().applyTo(old.attributes());
    checkAttributes(c.name(), merged, c.actor());
    QueueDefinition def =
        new QueueDefinition(old.name(), old.owner(), merged, old.createdAtMillis());
    refuseLockingOutSenders(def, c.actor());
    queue.redefine(def);
    changes.add(new Change.QueueSaved(def));
    return new Outcome.QueueUpdated(def);
  }

  /**
   * Drops the ready and delayed messages and keeps those in flight (API.md). In the store it is one
   * bound above every message the queue held ({@link Change.MessagesDropped}), not a row delete a
   * message: the kept messages move above it, to positions of this command's seq, which still
   * come before any message sent later. A kept message is released later as a redelivery, which
   * FIFO order does not bind.
   */
  Outcome purge(PurgeQueue c, long seq, long now, List<Change> changes) {
    QueueState queue = state.existingQueue(c.queue());
    state.requireManager(queue, c.actor());
    List<Message> dropped = new ArrayList<>();
    List<Message> kept = new ArrayList<>();
    for (Message m : queue.messages()) {
      boolean inFlight = m.leased() && m.visibleAtMillis() > now;
      (inFlight ? kept : dropped).add(m);
    }
    if (kept.size() >= MessageRules.SLOTS) {
      // More in flight than one seq has positions for: each dropped row is deleted instead.
      for (Message m : dropped) {
        queue.remove(m);
        changes.add(new Change.MessageDeleted(m.id()));
      }
      return new Outcome.Purged(dropped.size());
    }
    if (dropped.isEmpty()) {
      return new Outcome.Purged(0);
    }
    Change.MessagesDropped.ofAll(queue, changes);
    // Emptied at once and the kept ones added back: removing 400,000 messages one by one from
    // the indexes held the apply (on every node) for seconds.
    queue.clear();
    kept.sort(Comparator.comparingLong(Message::order));
    long order = seq * MessageRules.SLOTS;
    for (Message m : kept) {
      Message moved = m.at(order++);
      queue.add(moved);
      changes.add(new Change.MessageUpdated(moved));
    }
    return new Outcome.Purged(dropped.size());
  }

  Outcome delete(DeleteQueue c, List<Change> changes) {
    QueueState queue = state.existingQueue(c.name());
    state.requireManager(queue, c.actor());
    refuseSubscriptionQueue(c.name(), "unsubscribe to remove it");
    if (queue.size() > 0 && !c.force()) {
      throw BrokerException.conflict(
          "queue '" + c.name() + "' has " + queue.size() + " pending messages; use force=true");
    }
    List<String> pointing = state.deadLetterSourcesOf(c.name());
    if (!pointing.isEmpty()) {
      throw BrokerException.conflict("queue '" + c.name() + "' is the dead-letter queue of "
          + String.join(", ", state.asSeenBy(pointing, c.actor())) + "; change their deadLetterQueue first");
    }
    for (var subs : state.subscriptions.values()) {
      for (Subscription s : subs.values()) {
        if (c.name().equals(s.queue())) {
          throw BrokerException.conflict("queue '" + c.name() + "' receives messages for"
              + " subscription '" + s.topic() + "/" + s.name() + "'; unsubscribe first");
        }
      }
    }
    state.queues.remove(c.name());
    Change.MessagesDropped.ofAll(queue, changes);
    changes.add(new Change.QueueDeleted(c.name()));
    return new Outcome.Done();
  }

  /**
   * A subscription's own queue ({@code topic/subscription}) lives and dies with its subscription:
   * deleting it alone would leave a subscription that silently receives nothing.
   */
  private static void refuseSubscriptionQueue(String name, String why) {
    int slash = name.indexOf('/');
    if (slash >= 0) {
      throw BrokerException.conflict("queue '" + name + "' is the queue of subscription '"
          + name.substring(slash + 1) + "' of topic '" + name.substring(0, slash) + "'; " + why);
    }
  }

  /**
   * A queue that becomes private must not stay the dead-letter queue of a queue whose owner could
   * no longer send to it: naming it would have been refused, so keeping it is refused too.
   */
  private void refuseLockingOutSenders(QueueDefinition def, String actor) {
    if (def.attributes().shared()) {
      return;
    }
    List<String> lockedOut = new ArrayList<>();
    for (String source : state.deadLetterSourcesOf(def.name())) {
      String sourceOwner = state.queues.get(source).definition().owner();
      if (!sourceOwner.equals(def.owner()) && !state.isAdmin(sourceOwner)) {
        lockedOut.add(source);
      }
    }
    if (!lockedOut.isEmpty()) {
      throw BrokerException.conflict("queue '" + def.name() + "' is the dead-letter queue of "
          + String.join(", ", state.asSeenBy(lockedOut, actor)) + ", owned by others; it cannot become private while they"
          + " point at it");
    }
  }

  /**
   * A dead-letter queue must exist, and whoever names it must be allowed to send to it (otherwise
   * dead-lettering would write into another user's private queue); following dead-letter queues
   * from it must never lead back to {@code name}.
   */
  private void checkAttributes(String name, QueueAttributes attrs, String actor) {
    if ((attrs.deadLetterQueue() == null) != (attrs.maxReceiveCount() == null)) {
      throw BrokerException.invalid("deadLetterQueue and maxReceiveCount must be set together");
    }
    if (attrs.deadLetterQueue() == null) {
      return;
    }
    if (attrs.deadLetterQueue().equals(name)) {
      throw BrokerException.invalid("a queue cannot be its own dead-letter queue");
    }
    QueueState target = state.queues.get(attrs.deadLetterQueue());
    if (target == null) {
      throw BrokerException.invalid(
          "dead-letter queue '" + attrs.deadLetterQueue() + "' does not exist");
    }
    state.requireMaySendTo(target, actor);
    List<String> path = new ArrayList<>(List.of(name));
    for (QueueState next = target; next != null; ) {
      path.add(next.definition().name());
      String further = next.definition().attributes().deadLetterQueue();
      if (name.equals(further)) {
        path.add(name);
        throw BrokerException.invalid(
            "dead-letter queues would form a cycle: " + String.join(" -> ", path));
      }
      next = further == null || path.size() > state.queues.size() ? null : state.queues.get(further);
    }
  }
}
