package org.quipu.core.state;

/**
 * One row-level change the state machine made, in the order it made it. The store writes these in
 * the same transaction as the log entries that caused them, so the state tables always equal the
 * log applied up to the recorded sequence number.
 */
public sealed interface Change {
  record UserSaved(User user) implements Change {}

  record UserDeleted(String username) implements Change {}

  record SessionSaved(Session session) implements Change {}

  record SessionDeleted(String id) implements Change {}

  record QueueSaved(QueueDefinition queue) implements Change {}

  /**
   * Deletes the queue and every message still in it: the messages of {@code name} whose order is
   * below {@code messagesBelow} ({@link #NO_MESSAGES} when it held none). A queue created again
   * under the name gets orders above it, since orders follow the log.
   */
  record QueueDeleted(String name, long messagesBelow) implements Change {
    public static final long NO_MESSAGES = Long.MIN_VALUE;

    static QueueDeleted of(QueueState queue) {
      return new QueueDeleted(queue.definition().name(), queue.orderBound());
    }

    public boolean hadMessages() {
      return messagesBelow != NO_MESSAGES;
    }
  }

  /**
   * Drops every message of {@code queue} whose order is below {@code messagesBelow} (a purge): the
   * store leaves their rows to a later pass, as for a deleted queue. The messages the purge keeps
   * (in flight) come with it as {@link MessageUpdated}s that move them above the bound.
   */
  record MessagesDropped(String queue, long messagesBelow) implements Change {}

  /** A new message, with the content that goes to the store beside it and nowhere else. */
  record MessageInserted(Message message, MessageContent content) implements Change {}

  /** Lease, release or move: everything but the immutable content changes. */
  record MessageUpdated(Message message) implements Change {}

  record MessageDeleted(String id) implements Change {}

  record TopicSaved(TopicDefinition topic) implements Change {}

  record TopicDeleted(String name) implements Change {}

  record SubscriptionSaved(Subscription subscription) implements Change {}

  record SubscriptionDeleted(String topic, String name) implements Change {}

  record IdempotencySaved(IdempotencyRecord record) implements Change {}

  record IdempotencyDeleted(String user, String key) implements Change {}
}
