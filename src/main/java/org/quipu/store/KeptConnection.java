package org.quipu.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A connection that one writer (the log's appender, the state's applier) keeps from one
 * transaction to the next, with the statements it prepared on it. Taking a connection from the
 * pool costs a validation round trip and switching auto-commit off another; a server-side
 * statement costs one to prepare. In a profile of single sends (2026-12-06), taking, setting up
 * and giving back the applier's connection and preparing its statements anew for every applied
 * batch were 7 % of the nodes' samples.
 *
 * <p>After any failure the writer calls {@link #releaseAfter}: the connection is rolled back and
 * given back, its statements closed, and the next transaction takes a fresh connection, which
 * the pool validates before lending it. Not thread-safe: its writer serialises its calls.
 */
final class KeptConnection {

  /** Prepares {@code sql} on {@code connection}, client-side or server-side. */
  @FunctionalInterface
  interface Preparer {
    PreparedStatement prepare(Connection connection, String sql) throws SQLException;
  }

  private final DataSource dataSource;
  /** Null until first needed, and after a release. */
  private Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  KeptConnection(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The kept connection, in a transaction: taken from the pool with auto-commit off if none. */
  Connection get() throws SQLException {
    if (connection == null) {
      Connection taken = dataSource.getConnection();
      try {
        taken.setAutoCommit(false);
      } catch (SQLException e) {
        try {
          taken.close();
        } catch (SQLException notClosed) {
          e.addSuppressed(notClosed);
        }
        throw e;
      }
      connection = taken;
    }
    return connection;
  }

  /**
   * The statement of {@code sql} on the kept connection, prepared by {@code prepare} on first use
   * and kept until the connection is released. The SQL texts a writer uses must be few: each
   * stays prepared.
   */
  PreparedStatement statement(String sql, Preparer prepare) throws SQLException {
    PreparedStatement s = statements.get(sql);
    if (s == null) {
      s = prepare.prepare(get(), sql);
      statements.put(sql, s);
    }
    return s;
  }

  /** Commits the kept connection's transaction. */
  void commit() throws SQLException {
    get().commit();
  }

  /**
   * After {@code cause} ended a transaction: rolls back, closes the statements and gives the
   * connection back; whatever of that fails is suppressed in {@code cause}.
   */
  void releaseAfter(Exception cause) {
    SQLException failed = release();
    if (failed != null) {
      cause.addSuppressed(failed);
    }
  }

  /**
   * Rolls back, closes the statements and gives the connection back, each step tried whatever the
   * one before did; returns what failed (the first failure, later ones suppressed in it), or null.
   */
  SQLException release() {
    SQLException failed = null;
    if (connection != null) {
      try {
        connection.rollback();
      } catch (SQLException e) {
        failed = e;
      }
      for (PreparedStatement s : statements.values()) {
        try {
          s.close();
        } catch (SQLException e) {
          failed = firstOf(failed, e);
        }
      }
      try {
        connection.close();
      } catch (SQLException e) {
        failed = firstOf(failed, e);
      }
    }
    statements.clear();
    connection = null;
    return failed;
  }

  private static SQLException firstOf(SQLException first, SQLException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
