package org.quipu.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.quipu.replication.LogPosition;
import org.quipu.replication.StoreUnavailableException;

/**
 * The writes that move {@link JdbcCommandLog}'s base and delete the rows it covers.
 *
 * <p>Crash safety rests on one order: the base moves first, in its own transaction, and only then
 * are rows at or below it deleted. Between the two, and after a crash between them, those rows
 * are still in the table, but every read of the log ignores them; no moment exists at which the
 * base claims less than the rows hold (which would leave a gap after the base). The deletes go a
 * chunk of {@value #DELETE_CHUNK} rows per auto-committed statement: an entry can be a 25 MB blob,
 * and one delete of 10,000 of them would hold its locks (the last chunk's reach the gap where
 * appends insert) and the undo of the whole range for as long as it ran. Measured on 2 shared cores:
 * compacting 10,000 entries of 256 KiB took 18.8 s, and the slowest single-entry append made
 * meanwhile 82 ms. The connections' isolation is left as the pool lends it.
 */
final class LogCompaction {

  private static final Logger LOG = Logger.getLogger(LogCompaction.class.getName());

  /** Rows per delete transaction. */
  static final int DELETE_CHUNK = 200;

  private LogCompaction() {}

  /**
   * Moves the base to {@code at} after checking, with the base's row and the entry's locked (so
   * that no truncation removes the entry meanwhile), that the log holds {@code at}: the entry at
   * {@code at.seq()} is of {@code at.epoch()}, or {@code at} is the base already.
   */
  static void moveBase(DataSource dataSource, LogPosition at) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        LogPosition base = lockedBase(c);
        boolean holds;
        if (at.seq() <= base.seq()) {
          holds = at.seq() == base.seq() && at.epoch() == base.epoch();
        } else {
          holds = lockedEpoch(c, at.seq()) == at.epoch();
        }
        if (!holds) {
          throw new IllegalStateException("compacting to " + at + ", which this log (base "
              + base + ") does not hold");
        }
        if (at.seq() > base.seq()) {
          setBase(c, at);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        Rollback.after(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("the log was not compacted", e);
    }
  }

  /** Sets the base to {@code at} and deletes every row after it, in one transaction. */
  static void restartAt(DataSource dataSource, LogPosition at) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        lockedBase(c);
        setBase(c, at);
        int removed;
        try (PreparedStatement s = c.prepareStatement("DELETE FROM command_log WHERE seq > ?")) {
          s.setLong(1, at.seq());
          removed = s.executeUpdate();
        }
        c.commit();
        LOG.info("log restarted after " + at + ": " + removed + " entries after it removed");
      } catch (SQLException | RuntimeException e) {
        Rollback.after(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("the log was not restarted", e);
    }
  }

  /**
   * Deletes the rows up to {@code seq} (all of them at or below the base), a chunk per
   * transaction, and the rows an earlier compaction left behind with them.
   */
  static void deleteUpTo(DataSource dataSource, long seq) throws StoreUnavailableException {
    long removed = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "DELETE FROM command_log WHERE seq <= ? ORDER BY seq LIMIT " + DELETE_CHUNK)) {
      c.setAutoCommit(true);
      s.setLong(1, seq);
      int chunk;
      do {
        chunk = s.executeUpdate();
        removed += chunk;
      } while (chunk == DELETE_CHUNK);
    } catch (SQLException e) {
      // The base has moved: the rows left are invisible, and the next compaction deletes them.
      throw new StoreUnavailableException("the log's base moved to " + seq + " but " + removed
          + " rows only were deleted", e);
    }
    LOG.fine(() -> "log compacted up to seq " + seq);
  }

  private static LogPosition lockedBase(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
            "SELECT seq, epoch, timestamp_millis FROM command_log_base WHERE id = 1 FOR UPDATE");
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("command_log_base has no row; the migrations did not run");
      }
      return new LogPosition(r.getLong(1), r.getLong(2), r.getLong(3));
    }
  }

  /** The epoch of the entry at {@code seq}, its row locked; -1 when there is none. */
  private static long lockedEpoch(Connection c, long seq) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT epoch FROM command_log WHERE seq = ? FOR UPDATE")) {
      s.setLong(1, seq);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : -1;
      }
    }
  }

  private static void setBase(Connection c, LogPosition at) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE command_log_base SET seq = ?, epoch = ?, timestamp_millis = ? WHERE id = 1")) {
      s.setLong(1, at.seq());
      s.setLong(2, at.epoch());
      s.setLong(3, at.timestampMillis());
      s.executeUpdate();
    }
  }
}
