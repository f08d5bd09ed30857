package org.quipu.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.quipu.replication.PromiseStore;
import org.quipu.replication.StoreUnavailableException;

/**
 * The promised epoch of one replication group in {@code replica_promise}, one row per group. A
 * raise is a single auto-committed statement that can only increase the value, so two racing
 * raises leave the higher one.
 */
public final class JdbcPromiseStore implements PromiseStore {

  private final DataSource dataSource;
  private final int group;

  public JdbcPromiseStore(DataSource dataSource, int group) {
    this.dataSource = dataSource;
    this.group = group;
  }

  @Override
  public long promisedEpoch() throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT promised_epoch FROM replica_promise WHERE group_id = ?")) {
      s.setInt(1, group);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the promised epoch", e);
    }
  }

  @Override
  public void promise(long epoch) throws StoreUnavailableException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "INSERT INTO replica_promise (group_id, promised_epoch) VALUES (?, ?)"
                + " ON DUPLICATE KEY UPDATE promised_epoch = GREATEST(promised_epoch, ?)")) {
      c.setAutoCommit(true);
      s.setInt(1, group);
      s.setLong(2, epoch);
      s.setLong(3, epoch);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new StoreUnavailableException("the promised epoch was not stored", e);
    }
  }
}
