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
import org.quipu.replication.LogPosition;
import org.quipu.replication.StoreUnavailableException;

/**
 * The command log on MySQL: one row per entry holding its protobuf bytes, written with one JDBC
 * batch and one commit (one fsync) per appended batch.
 *
 * <p>Appends go through a connection the log writer keeps and server-side prepared inserts of
 * 1 to {@value #ROWS_PER_INSERT} rows, each prepared once on first use: the entries travel as binary
 * in MySQL's binary protocol, a batch as few statements as hold it within {@value #ROWS_PER_INSERT}
 * rows and {@link #BYTES_PER_INSERT} bytes of entries each ({@link #statementRows}).
 * The driver's own batching cannot be used for this: with {@code rewriteBatchedStatements} it turns
 * even a server-side prepared statement's batch into a client-side multi-row insert and escapes
 * every byte of every entry into the SQL text (a profile of single sends put that at 5–10 % of
 * their CPU, and most of the committing thread's time in batches). After any failure the
 * connection is given back (the pool validates it before lending it again) and the next append
 * takes a fresh one.
 *
 * <p>The log begins after its base ({@code command_log_base}, {@link #base}): compaction and a
 * restart after a snapshot move the base first, then delete the rows it covers, so every read
 * ignores rows at or below it. An append never reads the base: its inserts are as before.
 */
public final class JdbcCommandLog implements CommandLog {

  private static final Logger LOG = Logger.getLogger(JdbcCommandLog.class.getName());

  /** The most rows one insert carries; a larger batch is sent as several inserts, one commit. */
  static final int ROWS_PER_INSERT = 64;
  /**
   * The most entry bytes one insert carries, unless a single entry is larger. The driver builds
   * each statement in one packet buffer that it grows by copying; at 64 entries of a batch of 100
   * messages (about 105 KB each) that buffer reached several MB, and on a 1 GiB heap (1 MiB G1
   * regions) every array from 512 KB up is a humongous allocation that starts a concurrent GC
   * cycle: under batches of 100 the leader's GC log showed five such cycles in 16 s, and the
   * collector took 43-49 % of each node's CPU (async-profiler, 2026-12-05).
   */
  static final int BYTES_PER_INSERT = 256 * 1024;

  private final DataSource dataSource;
  /** The appending connection, with its inserts prepared on it. */
  private final KeptConnection appending;
  /** At index n - 1, the SQL of the insert of n rows, made on first use. */
  private final String[] inserts = new String[ROWS_PER_INSERT];

  public JdbcCommandLog(DataSource dataSource) {
    this.dataSource = dataSource;
    this.appending = new KeptConnection(dataSource);
  }

  @Override
  public synchronized void append(List<LogEntry> entries) throws StoreUnavailableException {
    try {
      int[] sizes = new int[entries.size()];
      List<byte[]> encoded = new ArrayList<>(entries.size());
      for (int i = 0; i < sizes.length; i++) {
        encoded.add(CommandCodec.encode(entries.get(i)));
        sizes[i] = encoded.get(i).length;
      }
      int from = 0;
      for (int rows : statementRows(sizes, ROWS_PER_INSERT, BYTES_PER_INSERT)) {
        PreparedStatement insert = insertOf(rows);
        int p = 1;
        for (int i = from; i < from + rows; i++) {
          LogEntry e = entries.get(i);
          insert.setLong(p++, e.seq());
          insert.setLong(p++, e.epoch());
          insert.setLong(p++, e.timestampMillis());
          insert.setBytes(p++, encoded.get(i));
        }
        insert.executeUpdate();
        from += rows;
      }
      appending.commit();
    } catch (SQLException | RuntimeException e) {
      appending.releaseAfter(e);
      if (e instanceof SQLException sql) {
        throw new StoreUnavailableException("the batch was not appended", sql);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * How many rows each insert of a batch carries, in order: as many entries as fit in {@code
   * maxRows} and {@code maxBytes} of entry bytes, and always at least one (an entry larger than
   * {@code maxBytes} goes alone).
   *
   * @param sizes each entry's encoded size, in the batch's order
   */
  static List<Integer> statementRows(int[] sizes, int maxRows, int maxBytes) {
    List<Integer> statements = new ArrayList<>();
    int rows = 0;
    long bytes = 0;
    for (int size : sizes) {
      if (rows > 0 && (rows == maxRows || bytes + size > maxBytes)) {
        statements.add(rows);
        rows = 0;
        bytes = 0;
      }
      rows++;
      bytes += size;
    }
    if (rows > 0) {
      statements.add(rows);
    }
    return statements;
  }

  private PreparedStatement insertOf(int rows) throws SQLException {
    String sql = inserts[rows - 1];
    if (sql == null) {
      StringBuilder b =
          new StringBuilder("INSERT INTO command_log (seq, epoch, timestamp_millis, entry) VALUES ");
      for (int i = 0; i < rows; i++) {
        b.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
      }
      sql = b.toString();
      inserts[rows - 1] = sql;
    }
    return appending.statement(sql,
        (c, insert) -> c.unwrap(JdbcConnection.class).serverPrepareStatement(insert));
  }

  /** Gives the appending connection back to the pool (the node is stopping). */
  public synchronized void close() {
    SQLException failed = appending.release();
    if (failed != null) {
      LOG.log(Level.WARNING, "the log's appending connection did not close cleanly", failed);
    }
  }

  /**
   * Entries below or at the base are never returned, even while a compaction has not yet deleted
   * their rows (one statement reads the base and the entries: one consistent read).
   */
  @Override
  public List<LogEntry> entriesAfter(long afterSeq, int limit) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT entry FROM command_log"
            + " WHERE seq > GREATEST(?, (SELECT seq FROM command_log_base WHERE id = 1))"
            + " ORDER BY seq LIMIT ?")) {
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
   * The epoch of the last entry, or the base's when the log holds none after it (0 for a log that
   * never held any): a new leader's epoch must be above it. Throws {@link IllegalStateException}
   * when the log cannot be read, since no epoch may be taken without it.
   */
  public long lastEpoch() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COALESCE((SELECT epoch FROM command_log"
            + " WHERE seq > b.seq ORDER BY seq DESC LIMIT 1), b.epoch)"
            + " FROM command_log_base b WHERE b.id = 1");
        ResultSet r = s.executeQuery()) {
      return single(r);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the log's last epoch", e);
    }
  }

  @Override
  public long epochAt(long seq) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT b.seq, b.epoch,"
            + " (SELECT epoch FROM command_log WHERE seq = ?) FROM command_log_base b"
            + " WHERE b.id = 1")) {
      s.setLong(1, seq);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("command_log_base has no row; the migrations did not run");
        }
        long baseSeq = r.getLong(1);
        if (seq <= baseSeq) {
          return seq == baseSeq ? r.getLong(2) : -1;
        }
        long epoch = r.getLong(3);
        return r.wasNull() ? -1 : epoch;
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
        PreparedStatement s = c.prepareStatement("SELECT GREATEST(b.seq,"
            + " COALESCE((SELECT MAX(seq) FROM command_log), 0)) FROM command_log_base b"
            + " WHERE b.id = 1");
        ResultSet r = s.executeQuery()) {
      return single(r);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the log", e);
    }
  }

  @Override
  public LogPosition base() throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT seq, epoch, timestamp_millis FROM command_log_base WHERE id = 1");
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("command_log_base has no row; the migrations did not run");
      }
      return new LogPosition(r.getLong(1), r.getLong(2), r.getLong(3));
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the log's base", e);
    }
  }

  /**
   * Moves the base to {@code at} in one short transaction that first checks, with the rows
   * locked, that the log holds {@code at} (refused with {@link IllegalStateException} otherwise);
   * from its commit on, no read returns an entry up to {@code at.seq()}. The rows are then deleted
   * a chunk per transaction ({@link LogCompaction}), so that neither appends nor readers wait on
   * one long delete; a crash meanwhile leaves rows that no read returns and that the next
   * compaction deletes. Not synchronized with {@link #append}: it never touches the entries after
   * {@code at}, which is all an append writes.
   */
  @Override
  public void compactTo(LogPosition at) throws StoreUnavailableException {
    LogCompaction.moveBase(dataSource, at);
    LogCompaction.deleteUpTo(dataSource, at.seq());
  }

  /**
   * Sets the base to {@code at} and deletes every entry after it in one transaction (from its
   * commit on, the log holds no entry), then the rows up to it as {@link #compactTo} does.
   * Synchronized with {@link #append}, as a truncation is.
   */
  @Override
  public void restartAt(LogPosition at) throws StoreUnavailableException {
    synchronized (this) {
      LogCompaction.restartAt(dataSource, at);
    }
    LogCompaction.deleteUpTo(dataSource, at.seq());
  }

  private static long single(ResultSet r) throws SQLException {
    if (!r.next()) {
      throw new SQLException("command_log_base has no row; the migrations did not run");
    }
    return r.getLong(1);
  }
}
