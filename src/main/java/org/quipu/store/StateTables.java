package org.quipu.store;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Table;
import jakarta.persistence.metamodel.EntityType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quipu.store.entity.NodeStateRow;

/**
 * Which tables are the replicated state a snapshot carries: the tables of the JPA unit's entities
 * ({@code @Table}), the one place a state table is declared, except {@code node_state}, whose
 * applied seq and epoch a snapshot carries in its header. Every other table of the schema is named
 * in {@link #NOT_STATE}; a test fails when a table is in neither, so a new table cannot be left out
 * of snapshots unnoticed.
 */
final class StateTables {

  /**
   * The schema's tables that are not replicated state: the log and its base (each node's own,
   * compacted on its own), the promised epoch (a node's vote), Flyway's history, and node_state
   * (in the snapshot's header, not its rows).
   */
  static final Set<String> NOT_STATE = Set.of("command_log", "command_log_base",
      "replica_promise", "flyway_schema_history", "node_state");

  private StateTables() {}

  /** The state tables' names, sorted (a snapshot's table order). */
  static List<String> of(EntityManagerFactory entities) {
    List<String> names = new ArrayList<>();
    for (EntityType<?> entity : entities.getMetamodel().getEntities()) {
      Class<?> type = entity.getJavaType();
      if (type == NodeStateRow.class) {
        continue;
      }
      Table table = type.getAnnotation(Table.class);
      if (table == null || table.name().isEmpty()) {
        throw new IllegalStateException(type + " names no table: a state table must be named");
      }
      names.add(table.name());
    }
    names.sort(null);
    return List.copyOf(names);
  }

  /** The columns of each of {@code tables} in the connected schema, in their order. */
  static Map<String, List<String>> columns(Connection c, List<String> tables)
      throws SQLException {
    return namesByTable(c, "SELECT table_name, column_name FROM information_schema.columns"
        + " WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position", tables);
  }

  /** The primary key's columns of each of {@code tables}, in the key's order. */
  static Map<String, List<String>> primaryKeys(Connection c, List<String> tables)
      throws SQLException {
    return namesByTable(c, "SELECT table_name, column_name FROM"
        + " information_schema.key_column_usage WHERE table_schema = DATABASE()"
        + " AND constraint_name = 'PRIMARY' ORDER BY table_name, ordinal_position", tables);
  }

  private static Map<String, List<String>> namesByTable(Connection c, String sql,
      List<String> tables) throws SQLException {
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String table : tables) {
      found.put(table, new ArrayList<>());
    }
    try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
      while (r.next()) {
        List<String> names = found.get(r.getString(1));
        if (names != null) {
          names.add(r.getString(2));
        }
      }
    }
    for (Map.Entry<String, List<String>> table : found.entrySet()) {
      if (table.getValue().isEmpty()) {
        throw new SQLException("table " + table.getKey() + " is not in the schema, or has no key");
      }
    }
    return found;
  }

  /** The Flyway version the connected schema is migrated to ("7"). */
  static String schemaVersion(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT version FROM flyway_schema_history"
            + " WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("flyway_schema_history has no version; the migrations did not run");
      }
      return r.getString(1);
    }
  }

  /** Quotes a name read from the schema or the mapping for SQL. */
  static String quoted(String name) {
    return '`' + name.replace("`", "``") + '`';
  }
}
