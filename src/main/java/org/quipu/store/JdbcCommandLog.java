package org.quipu.store;

import com.mysql.cj.jdbc.JdbcConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.quipu.replication.CommandCodec;
import org.quipu.replication.CommandLog;
import org.quipu.replication.LogEntry;
import org.quipu.replication.StoreUnavailableException;

/**
 * The command log on MySQL: one row per entry holding its protobuf bytes, written with one JDBC
 * batch and one commit (one fsync) per appended batch.
 *
 * <p>Appends go through a connection the log writer keeps and a server-side prepared insert,
 * prepared once: the entry travels as binary in MySQL's binary protocol. With a client-side
 * prepared statement the driver escaped every byte of every entry into the SQL text, which a
 * profile put at about 10 % of a single send's CPU and most of the committing thread's time in
 * batches. After any failure the connection is given back (the pool validates it before lending it
 * again) and the next append takes a fresh one.
 */
public final class JdbcCommandLog implements CommandLog {

  private static final Logger LOG = Logger.getLogger(JdbcCommandLog.class.getName());

  private static final String INSERT =
      "INSERT INTO command_log (seq, epoch, timestamp_millis, entry) VALUES (?, ?, ?, ?)";

  private final DataSource dataSource;
  /** The appending connection and its prepared insert; null until the first append or a failure. */
  private Connection appending;
  private PreparedStatement insert;

  public JdbcCommandLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public synchronized void append(List<LogEntry> entries) throws StoreUnavailableException {
    try {
      if (insert == null) {
        appending = dataSource.getConnection();
        appending.setAutoCommit(false);
        insert = appending.unwrap(JdbcConnection.class).serverPrepareStatement(INSERT);
      }
      for (LogEntry e : entries) {
        insert.setLong(1, e.seq());
        insert.setLong(2, e.epoch());
        insert.setLong(3, e.timestampMillis());
        insert.setBytes(4, CommandCodec.encode(e));
        insert.addBatch();
      }
      insert.executeBatch();
      appending.commit();
    } catch (SQLException | RuntimeException e) {
      giveBackAppendingConnection(e);
      if (e instanceof SQLException sql) {
        throw new StoreUnavailableException("the batch was not appended", sql);
      }
      throw (RuntimeException) e;
    }
  }

  /** Rolls back and closes the appending connection after {@code cause}; the next append reopens. */
  private void giveBackAppendingConnection(Exception cause) {
    SQLException failed = releaseAppendingConnection();
    if (failed != null) {
      cause.addSuppressed(failed);
    }
  }

  /**
   * Rolls back, closes the insert and gives the connection back, each step tried whatever the one
   * before did; returns what failed (the first failure, later ones suppressed in it), or null.
   */
  private SQLException releaseAppendingConnection() {
    SQLException failed = null;
    if (appending != null) {
      try {
        appending.rollback();
      } catch (SQLException e) {
        failed = e;
      }
      try {
        if (insert != null) {
          insert.close();
        }
      } catch (SQLException e) {
        failed = firstOf(failed, e);
      }
      try {
        appending.close();
      } catch (SQLException e) {
        failed = firstOf(failed, e);
      }
    }
    insert = null;
    appending = null;
    return failed;
  }

  private static SQLException firstOf(SQLException first, SQLException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /** Gives the appending connection back to the pool (the node is stopping). */
  public synchronized void close() {
    SQLException failed = releaseAppendingConnection();
    if (failed != null) {
      LOG.log(Level.WARNING, "the log's appending connection did not close cleanly", failed);
    }
  }

  @Override
  public List<LogEntry> entriesAfter(long afterSeq, int limit) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT entry FROM command_log WHERE seq > ? ORDER BY seq LIMIT ?")) {
      s.setLong(1, afterSeq);
      s.setInt(2, limit);
      List<LogEntry> entries = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          entries.add(CommandCodec.decode(r.getBytes(1)));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the log", e);
    }
  }

  @Override
  public long lastSeq() throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM command_log");
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the log", e);
    }
  }
}
