package org.quipu.store;

import java.util.Locale;

/**
 * How the applier writes the state tables (setting {@code quipu.state.writer}): JDBC batches from
 * the JPA mapping ({@link JdbcRowWriter}, the default) or the entity manager ({@link
 * JpaRowWriter}). The README gives both measured.
 */
public enum StateWriter {
  JDBC,
  JPA;

  public static StateWriter parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
