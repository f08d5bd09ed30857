package org.quipu.store;

import java.util.List;
import org.quipu.core.state.Change;
import org.quipu.store.entity.DroppedMessagesRow;
import org.quipu.store.entity.IdempotencyRow;
import org.quipu.store.entity.MessageRow;
import org.quipu.store.entity.QueueRow;
import org.quipu.store.entity.SessionRow;
import org.quipu.store.entity.SubscriptionRow;
import org.quipu.store.entity.TopicRow;
import org.quipu.store.entity.UpdatableRow;
import org.quipu.store.entity.UserRow;

/**
 * What one {@link Change} does to the state tables, in entity rows: the one translation both
 * writers ({@link JpaRowWriter}, {@link JdbcRowWriter}) carry out, each its own way.
 */
sealed interface RowWrite {

  /** Insert the row, or replace the row with its key. */
  record Save(Object row) implements RowWrite {}

  /** Insert a row that does not exist yet. */
  record Insert(Object row) implements RowWrite {}

  /** Update the row's updatable columns, found by its key. */
  record Update(UpdatableRow<?> row) implements RowWrite {}

  /** Delete the row with the key {@code key} carries (its other fields are unset). */
  record Delete(Object key) implements RowWrite {}

  static List<RowWrite> of(Change change) {
    if (change instanceof Change.MessageInserted c) {
      return List.of(new Insert(MessageRow.ofInsert(c.message(), c.content())));
    } else if (change instanceof Change.MessageUpdated c) {
      return List.of(new Update(MessageRow.ofUpdate(c.message())));
    } else if (change instanceof Change.MessageDeleted c) {
      return List.of(new Delete(MessageRow.key(c.id())));
    } else if (change instanceof Change.UserSaved c) {
      return List.of(new Save(UserRow.of(c.user())));
    } else if (change instanceof Change.UserDeleted c) {
      return List.of(new Delete(UserRow.key(c.username())));
    } else if (change instanceof Change.SessionSaved c) {
      return List.of(new Save(SessionRow.of(c.session())));
    } else if (change instanceof Change.SessionDeleted c) {
      return List.of(new Delete(SessionRow.key(c.id())));
    } else if (change instanceof Change.QueueSaved c) {
      return List.of(new Save(QueueRow.of(c.queue())));
    } else if (change instanceof Change.QueueDeleted c) {
      return List.of(new Delete(QueueRow.key(c.name())));
    } else if (change instanceof Change.MessagesDropped c) {
      // The rows stay until DroppedMessages deletes them, a slice at a time, off the apply.
      return List.of(new Save(DroppedMessagesRow.of(c.queue(), c.messagesBelow())));
    } else if (change instanceof Change.TopicSaved c) {
      return List.of(new Save(TopicRow.of(c.topic())));
    } else if (change instanceof Change.TopicDeleted c) {
      return List.of(new Delete(TopicRow.key(c.name())));
    } else if (change instanceof Change.SubscriptionSaved c) {
      return List.of(new Save(SubscriptionRow.of(c.subscription())));
    } else if (change instanceof Change.SubscriptionDeleted c) {
      return List.of(new Delete(SubscriptionRow.key(c.topic(), c.name())));
    } else if (change instanceof Change.IdempotencySaved c) {
      return List.of(new Save(IdempotencyRow.of(c.record())));
    } else if (change instanceof Change.IdempotencyDeleted c) {
      return List.of(new Delete(IdempotencyRow.key(c.user(), c.key())));
    }
    throw new IllegalArgumentException("no rows for " + change.getClass().getName());
  }
}
