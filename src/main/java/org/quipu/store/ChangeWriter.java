package org.quipu.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.quipu.core.state.Change;
import org.quipu.core.state.Message;
import org.quipu.core.state.QueueAttributes;

/**
 * Writes a batch's changes inside the caller's transaction. Changes keep their order; a run of
 * changes of one kind becomes one JDBC batch (one round trip, one multi-row insert).
 */
final class ChangeWriter {

  private enum Kind {
    SAVE_USER("REPLACE INTO users (username, password_hash, role, disabled, created_at_millis)"
        + " VALUES (?, ?, ?, ?, ?)"),
    SAVE_SESSION("REPLACE INTO sessions (id, token_hash, username, created_at_millis,"
        + " expires_at_millis) VALUES (?, ?, ?, ?, ?)"),
    DELETE_SESSION("DELETE FROM sessions WHERE id = ?"),
    SAVE_QUEUE("REPLACE INTO queues (name, owner, visibility_timeout_millis, max_receive_count,"
        + " dead_letter_queue, retention_millis, max_length, shared, created_at_millis)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    DELETE_QUEUE_MESSAGES("DELETE FROM messages WHERE queue_name = ?"),
    DELETE_QUEUE("DELETE FROM queues WHERE name = ?"),
    INSERT_MESSAGE("INSERT INTO messages (id, queue_name, order_key, body, headers, sender,"
        + " sent_at_millis, visible_at_millis, receive_count, receipt, first_received_at_millis,"
        + " dead_lettered_from, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    UPDATE_MESSAGE("UPDATE messages SET queue_name = ?, order_key = ?, visible_at_millis = ?,"
        + " receive_count = ?, receipt = ?, first_received_at_millis = ?, dead_lettered_from = ?,"
        + " history = ? WHERE id = ?"),
    DELETE_MESSAGE("DELETE FROM messages WHERE id = ?"),
    DELETE_USER("DELETE FROM users WHERE username = ?"),
    SAVE_TOPIC("REPLACE INTO topics (name, owner, created_at_millis) VALUES (?, ?, ?)"),
    DELETE_TOPIC("DELETE FROM topics WHERE name = ?"),
    SAVE_SUBSCRIPTION("REPLACE INTO subscriptions (topic, name, owner, binding_key, target_queue,"
        + " created_at_millis) VALUES (?, ?, ?, ?, ?, ?)"),
    DELETE_SUBSCRIPTION("DELETE FROM subscriptions WHERE topic = ? AND name = ?"),
    SAVE_IDEMPOTENCY("REPLACE INTO idempotency_keys (username, idem_key, fingerprint, seq,"
        + " expires_at_millis, outcome) VALUES (?, ?, ?, ?, ?, ?)"),
    DELETE_IDEMPOTENCY("DELETE FROM idempotency_keys WHERE username = ? AND idem_key = ?");

    final String sql;

    Kind(String sql) {
      this.sql = sql;
    }
  }

  private final Connection connection;
  private final Map<Kind, PreparedStatement> statements = new EnumMap<>(Kind.class);
  private Kind pending;

  ChangeWriter(Connection connection) {
    this.connection = connection;
  }

  void writeAll(List<Change> changes) throws SQLException {
    try {
      for (Change change : changes) {
        write(change);
      }
      flush();
    } finally {
      for (PreparedStatement s : statements.values()) {
        s.close();
      }
    }
  }

  private void write(Change change) throws SQLException {
    if (change instanceof Change.UserSaved c) {
      var u = c.user();
      add(Kind.SAVE_USER, u.username(), u.passwordHash(), u.role().wireName(), u.disabled(),
          u.createdAtMillis());
    } else if (change instanceof Change.SessionSaved c) {
      var s = c.session();
      add(Kind.SAVE_SESSION, s.id(), s.tokenHash(), s.username(), s.createdAtMillis(),
          s.expiresAtMillis());
    } else if (change instanceof Change.SessionDeleted c) {
      add(Kind.DELETE_SESSION, c.id());
    } else if (change instanceof Change.QueueSaved c) {
      var q = c.queue();
      QueueAttributes a = q.attributes();
      add(Kind.SAVE_QUEUE, q.name(), q.owner(), a.visibilityTimeoutMillis(), a.maxReceiveCount(),
          a.deadLetterQueue(), a.retentionMillis(), a.maxLength(), a.shared(), q.createdAtMillis());
    } else if (change instanceof Change.QueueDeleted c) {
      add(Kind.DELETE_QUEUE_MESSAGES, c.name());
      add(Kind.DELETE_QUEUE, c.name());
    } else if (change instanceof Change.MessageInserted c) {
      Message m = c.message();
      add(Kind.INSERT_MESSAGE, m.id(), m.queue(), m.order(), c.content().body(),
          HeadersJson.format(c.content().headers()), m.sender(), m.sentAtMillis(), m.visibleAtMillis(),
          m.receiveCount(), m.receipt(), m.firstReceivedAtMillis(), m.deadLetteredFrom(),
          HistoryJson.format(m.history()));
    } else if (change instanceof Change.MessageUpdated c) {
      Message m = c.message();
      add(Kind.UPDATE_MESSAGE, m.queue(), m.order(), m.visibleAtMillis(), m.receiveCount(),
          m.receipt(), m.firstReceivedAtMillis(), m.deadLetteredFrom(),
          HistoryJson.format(m.history()), m.id());
    } else if (change instanceof Change.MessageDeleted c) {
      add(Kind.DELETE_MESSAGE, c.id());
    } else if (change instanceof Change.UserDeleted c) {
      add(Kind.DELETE_USER, c.username());
    } else if (change instanceof Change.TopicSaved c) {
      add(Kind.SAVE_TOPIC, c.topic().name(), c.topic().owner(), c.topic().createdAtMillis());
    } else if (change instanceof Change.TopicDeleted c) {
      add(Kind.DELETE_TOPIC, c.name());
    } else if (change instanceof Change.SubscriptionSaved c) {
      var s = c.subscription();
      add(Kind.SAVE_SUBSCRIPTION, s.topic(), s.name(), s.owner(), s.bindingKey(), s.queue(),
          s.createdAtMillis());
    } else if (change instanceof Change.SubscriptionDeleted c) {
      add(Kind.DELETE_SUBSCRIPTION, c.topic(), c.name());
    } else if (change instanceof Change.IdempotencySaved c) {
      var r = c.record();
      add(Kind.SAVE_IDEMPOTENCY, r.user(), r.key(), r.fingerprint(), r.seq(), r.expiresAtMillis(),
          OutcomeJson.format(r.outcome()));
    } else if (change instanceof Change.IdempotencyDeleted c) {
      add(Kind.DELETE_IDEMPOTENCY, c.user(), c.key());
    } else {
      throw new IllegalArgumentException("no SQL for " + change.getClass().getName());
    }
  }

  private void add(Kind kind, Object... values) throws SQLException {
    if (pending != null && pending != kind) {
      flush();
    }
    PreparedStatement s = statements.get(kind);
    if (s == null) {
      s = connection.prepareStatement(kind.sql);
      statements.put(kind, s);
    }
    for (int i = 0; i < values.length; i++) {
      s.setObject(i + 1, values[i]);
    }
    s.addBatch();
    pending = kind;
  }

  private void flush() throws SQLException {
    if (pending != null) {
      statements.get(pending).executeBatch();
      pending = null;
    }
  }
}
