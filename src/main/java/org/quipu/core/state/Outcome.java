package org.quipu.core.state;

import java.util.List;
import java.util.Map;

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

  /** {@code ids} in the order sent, kept compact ({@link MessageIds}). */
  record MessagesSent(List<String> ids) implements Outcome {
    public MessagesSent {
      ids = MessageIds.of(ids);
    }
  }

  /**
   * {@code deadLettered} messages were moved to {@code deadLetterQueue} on the way (they had been
   * delivered {@code maxReceiveCount} times); rate charts count them out of one queue and into the
   * other.
   */
  record MessagesReceived(List<Message> messages, String deadLetterQueue, int deadLettered)
      implements Outcome {
    public MessagesReceived(List<Message> messages) {
      this(messages, null, 0);
    }
  }

  record MessagesAcked(int acked, List<String> stale) implements Outcome {}

  record Purged(int purged) implements Outcome {}

  /** {@code movedTo} counts the moved messages by the queue they went to. */
  record Redriven(int moved, Map<String, Integer> movedTo) implements Outcome {
    public Redriven {
      movedTo = Map.copyOf(movedTo);
    }

    /** An outcome read back without its targets (a replayed keyed write). */
    public Redriven(int moved) {
      this(moved, Map.of());
    }
  }

  record TopicCreated(TopicDefinition topic, boolean created) implements Outcome {}

  record Subscribed(Subscription subscription, boolean created) implements Outcome {}

  /** {@code deliveredTo} names the subscriptions that received a copy, in name order. */
  record Published(String id, List<String> deliveredTo) implements Outcome {}

  /** A retried keyed write: the first attempt's outcome, committed at {@code seq}. */
  record Replayed(long seq, Outcome first) implements Outcome {}

  /** The command was refused; nothing changed. */
  record Rejected(BrokerException.Kind kind, String detail) implements Outcome {}
}
