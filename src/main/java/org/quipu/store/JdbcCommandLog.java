package org.quipu.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.quipu.replication.CommandCodec;
import org.quipu.replication.CommandLog;
import org.quipu.replication.LogEntry;
import org.quipu.replication.StoreUnavailableException;

/**
 * The command log on MySQL: one row per entry holding its protobuf bytes, written with one JDBC
 * batch and one commit (one fsync) per appended batch.
 */
public final class JdbcCommandLog implements CommandLog {

  private final DataSource dataSource;

  public JdbcCommandLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void append(List<LogEntry> entries) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO command_log (seq, epoch, timestamp_millis, entry) VALUES (?, ?, ?, ?)")) {
        for (LogEntry e : entries) {
          s.setLong(1, e.seq());
          s.setLong(2, e.epoch());
          s.setLong(3, e.timestampMillis());
          s.setBytes(4, CommandCodec.encode(e));
          s.addBatch();
        }
        s.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("the batch was not appended", e);
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
