package org.quipu.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;
import org.quipu.core.state.Message;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.Role;
import org.quipu.core.state.Session;
import org.quipu.core.state.Snapshot;
import org.quipu.core.state.Subscription;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.IdempotencyRecord;
import org.quipu.core.state.User;
import org.quipu.replication.CommandCodec;
import org.quipu.replication.LogEntry;
import org.quipu.replication.StateStore;
import org.quipu.replication.StoreUnavailableException;

/**
 * The state tables on MySQL through plain JDBC batches: one transaction per applied batch (not per
 * message) holds its changes and the new applied sequence number.
 *
 * <p>Changes are written in the order the state machine made them; consecutive changes of the same
 * kind go to the database as one JDBC batch.
 */
public final class JdbcStateStore implements StateStore {

  private final DataSource dataSource;
  private final MessageContents contents;

  /** @param contents told of the contents each stored batch added or deleted */
  public JdbcStateStore(DataSource dataSource, MessageContents contents) {
    this.dataSource = dataSource;
    this.contents = contents;
  }

  @Override
  public long restore(Broker broker) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      long applied = appliedSeq(c);
      broker.restore(new Snapshot(users(c), sessions(c), queues(c), messages(c), topics(c),
          subscriptions(c), idempotency(c)));
      c.commit();
      return applied;
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the state tables", e);
    }
  }

  @Override
  public long appliedSeq() throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection()) {
      return appliedSeq(c);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the applied seq", e);
    }
  }

  @Override
  public void apply(List<Change> changes, long appliedSeq, long epoch)
      throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        new ChangeWriter(c).writeAll(changes);
        try (PreparedStatement s =
            c.prepareStatement("UPDATE node_state SET applied_seq = ?, epoch = ? WHERE id = 1")) {
          s.setLong(1, appliedSeq);
          s.setLong(2, epoch);
          s.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
      contents.stored(changes);
    } catch (SQLException e) {
      throw new StoreUnavailableException("the state was not written", e);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException rollbackFailed) {
      cause.addSuppressed(rollbackFailed);
    }
  }

  private static long appliedSeq(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT applied_seq FROM node_state WHERE id = 1");
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("node_state has no row; the migrations did not run");
      }
      return r.getLong(1);
    }
  }

  private static List<User> users(Connection c) throws SQLException {
    List<User> users = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT username, password_hash, role, disabled, created_at_millis FROM users");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        users.add(new User(r.getString(1), r.getString(2), Role.fromWire(r.getString(3)),
            r.getBoolean(4), r.getLong(5)));
      }
    }
    return users;
  }

  private static List<Session> sessions(Connection c) throws SQLException {
    List<Session> sessions = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT id, token_hash, username, created_at_millis, expires_at_millis FROM sessions");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        sessions.add(new Session(r.getString(1), r.getString(2), r.getString(3), r.getLong(4),
            r.getLong(5)));
      }
    }
    return sessions;
  }

  private static List<QueueDefinition> queues(Connection c) throws SQLException {
    List<QueueDefinition> queues = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT name, owner, visibility_timeout_millis, max_receive_count, dead_letter_queue,"
                    + " retention_millis, max_length, shared, created_at_millis FROM queues");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        QueueAttributes attrs =
            new QueueAttributes(r.getLong(3), r.getObject(4, Integer.class), r.getString(5),
                r.getLong(6), r.getObject(7, Integer.class), r.getBoolean(8));
        queues.add(new QueueDefinition(r.getString(1), r.getString(2), attrs, r.getLong(9)));
      }
    }
    return queues;
  }

  /**
   * Every message without its content (bodies and headers stay in the table; {@link
   * MessageContents} reads them when asked). Queue and sender names are shared between the rows
   * that carry them, so a million messages of one queue hold its name once.
   */
  private static List<Message> messages(Connection c) throws SQLException {
    List<Message> messages = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT id, queue_name, order_key, sender, sent_at_millis,"
                    + " visible_at_millis, receive_count, receipt, first_received_at_millis,"
                    + " dead_lettered_from, history FROM messages ORDER BY queue_name, order_key")) {
      s.setFetchSize(Integer.MIN_VALUE); // stream rows instead of buffering the whole table
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String deadLetteredFrom = r.getString(10);
          messages.add(new Message(r.getString(1), shared(names, r.getString(2)), r.getLong(3),
              shared(names, r.getString(4)), r.getLong(5), r.getLong(6), r.getInt(7),
              r.getString(8), r.getObject(9, Long.class),
              deadLetteredFrom == null ? null : shared(names, deadLetteredFrom),
              HistoryJson.parse(r.getString(11))));
        }
      }
    }
    return messages;
  }

  private static String shared(Map<String, String> names, String name) {
    return names.computeIfAbsent(name, n -> n);
  }


  private static List<TopicDefinition> topics(Connection c) throws SQLException {
    List<TopicDefinition> topics = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement("SELECT name, owner, created_at_millis FROM topics");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        topics.add(new TopicDefinition(r.getString(1), r.getString(2), r.getLong(3)));
      }
    }
    return topics;
  }

  private static List<Subscription> subscriptions(Connection c) throws SQLException {
    List<Subscription> subscriptions = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement("SELECT topic, name, owner, binding_key, target_queue,"
                + " created_at_millis FROM subscriptions");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        subscriptions.add(new Subscription(r.getString(1), r.getString(2), r.getString(3),
            r.getString(4), r.getString(5), r.getLong(6)));
      }
    }
    return subscriptions;
  }

  private static List<IdempotencyRecord> idempotency(Connection c) throws SQLException {
    List<IdempotencyRecord> records = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement("SELECT username, idem_key, fingerprint, seq, expires_at_millis,"
                + " outcome FROM idempotency_keys");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        records.add(new IdempotencyRecord(r.getString(1), r.getString(2), r.getString(3),
            r.getLong(4), r.getLong(5), OutcomeJson.parse(r.getString(6))));
      }
    }
    return records;
  }
}
