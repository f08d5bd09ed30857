package org.quipu.store;

import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.persistence.descriptors.ClassDescriptor;
import org.eclipse.persistence.internal.helper.DatabaseField;
import org.eclipse.persistence.internal.sessions.AbstractSession;
import org.eclipse.persistence.mappings.DatabaseMapping;
import org.eclipse.persistence.mappings.foundation.AbstractDirectMapping;
import org.quipu.store.entity.MessageRow;

/**
 * Writes {@link RowWrite}s as JDBC batches whose SQL and values come from the JPA mapping: table
 * and column names, keys, which columns an update may touch ({@code updatable = false}) and the
 * attribute converters are all read from EclipseLink's descriptors of the entities, so the
 * entities stay the one definition of the tables. Unlike {@code EntityManager.merge}, an update
 * or a delete costs no read; a run of writes of one statement is one round trip (with {@code
 * rewriteBatchedStatements}, inserts become one multi-row insert).
 */
final class JdbcRowWriter {

  private final AbstractSession session;
  private final Map<Class<?>, TableSql> tables = new ConcurrentHashMap<>();
  private final String deleteMessagesOf;

  JdbcRowWriter(EntityManagerFactory entities) {
    // The descriptors' value conversion takes EclipseLink's internal session type; unwrap reaches
    // it through the container's wrapper of the factory too.
    this.session = entities.unwrap(AbstractSession.class);
    ClassDescriptor messages = session.getDescriptor(MessageRow.class);
    this.deleteMessagesOf = "DELETE FROM " + messages.getTableName() + " WHERE "
        + messages.getMappingForAttributeName("queueName").getField().getName() + " = ?";
  }

  /** Writes {@code writes} in order inside {@code connection}'s transaction. */
  void write(Connection connection, List<RowWrite> writes) throws SQLException {
    new Batches(connection).run(writes);
  }

  /** One transaction's statements: consecutive writes with the same SQL share one JDBC batch. */
  private final class Batches {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private PreparedStatement pending;

    Batches(Connection connection) {
      this.connection = connection;
    }

    void run(List<RowWrite> writes) throws SQLException {
      try {
        for (RowWrite write : writes) {
          add(write);
        }
        flush();
      } finally {
        for (PreparedStatement s : statements.values()) {
          s.close();
        }
      }
    }

    private void add(RowWrite write) throws SQLException {
      if (write instanceof RowWrite.Insert w) {
        TableSql table = table(w.row());
        bind(table.insert, table.inserted, w.row());
      } else if (write instanceof RowWrite.Save w) {
        TableSql table = table(w.row());
        bind(table.replace, table.inserted, w.row());
      } else if (write instanceof RowWrite.Update w) {
        TableSql table = table(w.row());
        bind(table.update, table.updatedThenKeys, w.row());
      } else if (write instanceof RowWrite.Delete w) {
        TableSql table = table(w.key());
        bind(table.delete, table.keys, w.key());
      } else if (write instanceof RowWrite.DeleteMessagesOf d) {
        PreparedStatement s = statement(deleteMessagesOf);
        s.setString(1, d.queue());
        s.addBatch();
      }
    }

    /** Adds {@code row}'s values of {@code columns} to the batch of {@code sql}. */
    private void bind(String sql, List<AbstractDirectMapping> columns, Object row)
        throws SQLException {
      PreparedStatement s = statement(sql);
      for (int i = 0; i < columns.size(); i++) {
        AbstractDirectMapping column = columns.get(i);
        s.setObject(i + 1, column.getFieldValue(column.getAttributeValueFromObject(row), session));
      }
      s.addBatch();
    }

    private PreparedStatement statement(String sql) throws SQLException {
      PreparedStatement s = statements.get(sql);
      if (s == null) {
        s = connection.prepareStatement(sql);
        statements.put(sql, s);
      }
      if (pending != null && pending != s) {
        flush();
      }
      pending = s;
      return s;
    }

    private void flush() throws SQLException {
      if (pending != null) {
        pending.executeBatch();
        pending = null;
      }
    }
  }

  private TableSql table(Object row) {
    return tables.computeIfAbsent(row.getClass(), TableSql::new);
  }

  /** The statements of one entity's table, built once from its descriptor. */
  private final class TableSql {
    final List<AbstractDirectMapping> inserted = new ArrayList<>();
    final List<AbstractDirectMapping> updatedThenKeys = new ArrayList<>();
    final List<AbstractDirectMapping> keys = new ArrayList<>();
    final String insert;
    final String replace;
    final String update;
    final String delete;

    TableSql(Class<?> entity) {
      ClassDescriptor descriptor = session.getDescriptor(entity);
      if (descriptor == null) {
        throw new IllegalArgumentException(entity.getName() + " is not an entity of the unit");
      }
      List<DatabaseField> primaryKey = descriptor.getPrimaryKeyFields();
      List<AbstractDirectMapping> updated = new ArrayList<>();
      for (DatabaseMapping mapping : descriptor.getMappings()) {
        if (!(mapping instanceof AbstractDirectMapping column)) {
          throw new IllegalArgumentException(entity.getName() + "." + mapping.getAttributeName()
              + " is not a plain column; JdbcRowWriter writes only those");
        }
        DatabaseField field = column.getField();
        if (field.isInsertable()) {
          inserted.add(column);
        }
        if (primaryKey.contains(field)) {
          keys.add(column);
        } else if (field.isUpdatable()) {
          updated.add(column);
        }
      }
      updatedThenKeys.addAll(updated);
      updatedThenKeys.addAll(keys);
      String table = descriptor.getTableName();
      String names = inserted.stream().map(JdbcRowWriter::name).collect(Collectors.joining(", "));
      String marks = inserted.stream().map(c -> "?").collect(Collectors.joining(", "));
      String where = keys.stream().map(c -> name(c) + " = ?").collect(Collectors.joining(" AND "));
      insert = "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")";
      replace = "REPLACE INTO " + table + " (" + names + ") VALUES (" + marks + ")";
      update = "UPDATE " + table + " SET "
          + updated.stream().map(c -> name(c) + " = ?").collect(Collectors.joining(", "))
          + " WHERE " + where;
      delete = "DELETE FROM " + table + " WHERE " + where;
    }
  }

  private static String name(AbstractDirectMapping column) {
    return column.getField().getName();
  }
}
