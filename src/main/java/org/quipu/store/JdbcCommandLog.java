package org.quipu.store;

import com.mysql.cj.jdbc.JdbcConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Appends go through a connection the log writer keeps and server-side prepared inserts of
 * 1 to {@value #ROWS_PER_INSERT} rows, each prepared once on first use: the entries travel as binary
 * in MySQL's binary protocol, a batch of n entries as ⌈n / {@value #ROWS_PER_INSERT}⌉ statements.
 * The driver's own batching cannot be used for this: with {@code rewriteBatchedStatements} it turns
 * even a server-side prepared statement's batch into a client-side multi-row insert and escapes
 * every byte of every entry into the SQL text (a profile of single sends put that at 5–10 % of
 * their CPU, and most of the committing thread's time in batches). After any failure the
 * connection is given back (the pool validates it before lending it again) and the next append
 * takes a fresh one.
 */
public final class JdbcCommandLog implements CommandLog {

  private static final Logger LOG = Logger.getLogger(JdbcCommandLog.class.getName());

  /** The most rows one insert carries; a larger batch is sent as several inserts, one commit. */
  static final int ROWS_PER_INSERT = 64;

  private final DataSource dataSource;
  /** The appending connection; null until the first append or after a failure. */
  private Connection appending;
  /** On {@link #appending}: at index n - 1, the insert of n rows, prepared on first use. */
  private final PreparedStatement[] inserts = new PreparedStatement[ROWS_PER_INSERT];

  public JdbcCommandLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public synchronized void append(List<LogEntry> entries) throws StoreUnavailableException {
    try {
      if (appending == null) {
        appending = dataSource.getConnection();
        appending.setAutoCommit(false);
      }
      for (int from = 0; from < entries.size(); from += ROWS_PER_INSERT) {
        List<LogEntry> rows = entries.subList(from, Math.min(entries.size(), from + ROWS_PER_INSERT));
        PreparedStatement insert = insertOf(rows.size());
        int p = 1;
        for (LogEntry e : rows) {
          insert.setLong(p++, e.seq());
          insert.setLong(p++, e.epoch());
          insert.setLong(p++, e.timestampMillis());
          insert.setBytes(p++, CommandCodec.encode(e));
        }
        insert.executeUpdate();
      }
      appending.commit();
    } catch (SQLException | RuntimeException e) {
      giveBackAppendingConnection(e);
      if (e instanceof SQLException sql) {
        throw new StoreUnavailableException("the batch was not appended", sql);
      }
      throw (RuntimeException) e;
    }
  }

  private PreparedStatement insertOf(int rows) throws SQLException {
    PreparedStatement insert = inserts[rows - 1];
    if (insert == null) {
      StringBuilder sql =
          new StringBuilder("INSERT INTO command_log (seq, epoch, timestamp_millis, entry) VALUES ");
      for (int i = 0; i < rows; i++) {
        sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
      }
      insert = appending.unwrap(JdbcConnection.class).serverPrepareStatement(sql.toString());
      inserts[rows - 1] = insert;
    }
    return insert;
  }

  /** Rolls back and closes the appending connection after {@code cause}; the next append reopens. */
  private void giveBackAppendingConnection(Exception cause) {
    SQLException failed = releaseAppendingConnection();
    if (failed != null) {
      cause.addSuppressed(failed);
    }
  }

  /**
   * Rolls back, closes the inserts and gives the connection back, each step tried whatever the one
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
      for (PreparedStatement insert : inserts) {
        try {
          if (insert != null) {
            insert.close();
          }
        } catch (SQLException e) {
          failed = firstOf(failed, e);
        }
      }
      try {
        appending.close();
      } catch (SQLException e) {
        failed = firstOf(failed, e);
      }
    }
    Arrays.fill(inserts, null);
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

  /**
   * The epoch of the last entry, or 0 for an empty log: a new leader's epoch must be above it.
   * Throws {@link IllegalStateException} when the log cannot be read, since no epoch may be taken
   * without it.
   */
  public long lastEpoch() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT epoch FROM command_log ORDER BY seq DESC LIMIT 1");
        ResultSet r = s.executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the log's last epoch", e);
    }
  }

  @Override
  public long epochAt(long seq) throws StoreUnavailableException {
    if (seq == 0) {
      return 0;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT epoch FROM command_log WHERE seq = ?")) {
      s.setLong(1, seq);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : -1;
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the log", e);
    }
  }

  /** Synchronized with {@link #append}: a truncation never interleaves with an append. */
  @Override
  public synchronized void truncateAfter(long seq) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM command_log WHERE seq > ?")) {
      c.setAutoCommit(true);
      s.setLong(1, seq);
      int removed = s.executeUpdate();
      LOG.info("log truncated after seq " + seq + ": " + removed + " entries removed");
    } catch (SQLException e) {
      throw new StoreUnavailableException("the log was not truncated", e);
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

  // BRANCH PLACEHOLDER (snapshot branch only, replaced before merging to main).
  @Override
  public org.quipu.replication.LogPosition base() {
    throw new UnsupportedOperationException("snapshot branch: not yet");
  }

  @Override
  public void compactTo(org.quipu.replication.LogPosition at) {
    throw new UnsupportedOperationException("snapshot branch: not yet");
  }

  @Override
  public void restartAt(org.quipu.replication.LogPosition at) {
    throw new UnsupportedOperationException("snapshot branch: not yet");
  }
}
