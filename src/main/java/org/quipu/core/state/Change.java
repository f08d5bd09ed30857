package org.quipu.core.state;

import java.util.List;

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

  /** Deletes the queue; a {@link MessagesDropped} before it drops the messages it still held. */
  record QueueDeleted(String name) implements Change {}

  /**
   * Drops every message of {@code queue} whose order is below {@code messagesBelow} (a purge, a
   * delete of a queue that held messages, or its oldest messages past their retention): the store
   * leaves their rows to a later pass. A queue's bound only ever rises. Orders follow the log, so a
   * queue created again under the name lies above the bound; the messages a purge keeps (in
   * flight) come with it as {@link MessageUpdated}s that move them above it.
   */
  record MessagesDropped(String queue, long messagesBelow) implements Change {

    /** The change that drops all {@code queue} holds; none for an empty queue. */
    static void ofAll(QueueState queue, List<Change> changes) {
      if (queue.size() > 0) {
        changes.add(new MessagesDropped(queue.definition().name(), queue.orderBound()));
      }
    }
  }

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
