package org.quipu.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Rolling back after a failed transaction without losing the failure that caused it. */
final class Rollback {

  private Rollback() {}

  /** Rolls {@code c}'s transaction back; a rollback that fails too is suppressed in {@code cause}. */
  static void after(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException rollbackFailed) {
      cause.addSuppressed(rollbackFailed);
    }
  }
}
