package org.quipu.core.state;

import java.util.List;

/** What applying a command produced; each command has one kind of outcome or a rejection. */
public sealed interface Outcome {

  /** The command changed nothing visible beyond its effect (logout, delete). */
  record Done() implements Outcome {}

  record UserRegistered(User user) implements Outcome {}

  record SessionOpened(Session session, User user) implements Outcome {}

  /** {@code created} is false when an identical queue already existed. */
  record QueueCreated(QueueDefinition queue, boolean created) implements Outcome {}

  record MessagesSent(List<String> ids) implements Outcome {}

  record MessagesReceived(List<Message> messages) implements Outcome {}

  record MessagesAcked(int acked, List<String> stale) implements Outcome {}

  /** The command was refused; nothing changed. */
  record Rejected(BrokerException.Kind kind, String detail) implements Outcome {}
}
