package org.quipu.core.state;

import java.util.List;

/** What applying a command produced; each command has one kind of outcome or a rejection. */
public sealed interface Outcome {

  /** The command did what it says and has nothing to report (logout, delete, release). */
  record Done() implements Outcome {}

  record UserRegistered(User user) implements Outcome {}

  record UserUpdated(User user) implements Outcome {}

  record SessionOpened(Session session, User user) implements Outcome {}

  /** {@code created} is false when an identical queue already existed. */
  record QueueCreated(QueueDefinition queue, boolean created) implements Outcome {}

  record QueueUpdated(QueueDefinition queue) implements Outcome {}

  record MessagesSent(List<String> ids) implements Outcome {}

  record MessagesReceived(List<Message> messages) implements Outcome {}

  record MessagesAcked(int acked, List<String> stale) implements Outcome {}

  record Purged(int purged) implements Outcome {}

  record Redriven(int moved) implements Outcome {}

  record TopicCreated(TopicDefinition topic, boolean created) implements Outcome {}

  record Subscribed(Subscription subscription, boolean created) implements Outcome {}

  /** {@code deliveredTo} names the subscriptions that received a copy, in name order. */
  record Published(String id, List<String> deliveredTo) implements Outcome {}

  /** A retried keyed write: the first attempt's outcome, committed at {@code seq}. */
  record Replayed(long seq, Outcome first) implements Outcome {}

  /** The command was refused; nothing changed. */
  record Rejected(BrokerException.Kind kind, String detail) implements Outcome {}
}
