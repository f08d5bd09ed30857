package org.quipu.store;

import com.mysql.cj.jdbc.JdbcConnection;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.persistence.descriptors.ClassDescriptor;
import org.eclipse.persistence.internal.helper.DatabaseField;
import org.eclipse.persistence.internal.sessions.AbstractSession;
import org.eclipse.persistence.mappings.DatabaseMapping;
import org.eclipse.persistence.mappings.foundation.AbstractDirectMapping;

/**
 * Writes {@link RowWrite}s as JDBC batches whose SQL and values come from the JPA mapping: table
 * and column names, keys, which columns an update may touch ({@code updatable = false}) and the
 * attribute converters are all read from EclipseLink's descriptors of the entities, so the
 * entities stay the one definition of the tables. Unlike {@code EntityManager.merge}, an update
 * or a delete costs no read; a run of writes of one statement is one JDBC batch.
 *
 * <p>A long run of inserts into one table (a batch of sends) goes as server-side prepared inserts
 * of up to {@value #ROWS_PER_INSERT} rows each, as {@link JdbcCommandLog} appends: the values
 * travel in MySQL's binary protocol. The driver's own batch of a client-side statement would
 * instead build one multi-row insert as SQL text, scanning and escaping every message body into
 * it (in a profile of batches of 100 sends, 13–26 % of each node's samples were in that, {@code
 * executeBatchWithMultiValuesClause}), and MySQL would parse that text back. A run shorter than
 * {@value #SERVER_INSERT_MIN_ROWS} rows (what group commit gathers from single sends) stays a
 * client-side batch.
 */
final class JdbcRowWriter {

  /** The most rows one server-side insert carries; a longer run of inserts is sent as several. */
  static final int ROWS_PER_INSERT = 64;

  /** The shortest run of inserts (or its last part) sent as a server-side insert. */
  static final int SERVER_INSERT_MIN_ROWS = 16;

  /** MySQL's limit on the placeholders of one prepared statement. */
  private static final int MAX_PLACEHOLDERS = 65_535;

  private final AbstractSession session;
  private final Map<Class<?>, TableSql> tables = new ConcurrentHashMap<>();

  JdbcRowWriter(EntityManagerFactory entities) {
    // The descriptors' value conversion takes EclipseLink's internal session type; unwrap reaches
    // it through the container's wrapper of the factory too.
    this.session = entities.unwrap(AbstractSession.class);
  }

  /**
   * Writes {@code writes} in order inside {@code kept}'s transaction, with the statements prepared
   * on it before (and keeping the ones it prepares: per table, an insert of each length up to
   * {@link #ROWS_PER_INSERT} rows, a replace, an update and a delete).
   */
  void write(KeptConnection kept, List<RowWrite> writes) throws SQLException {
    new Batches(kept).run(writes);
  }

  /**
   * One transaction's statements: consecutive writes with the same SQL share one JDBC batch, and
   * consecutive inserts into one table share multi-row inserts. Either is sent before a write of
   * another kind is added, so the writes reach MySQL in their order.
   */
  private final class Batches {
    private final KeptConnection connection;
    private PreparedStatement pending;
    /** The table of the run of inserts in {@link #inserts}, not sent yet; null when none. */
    private TableSql insertsInto;
    private final List<Object> inserts = new ArrayList<>();

    Batches(KeptConnection connection) {
      this.connection = connection;
    }

    void run(List<RowWrite> writes) throws SQLException {
      for (RowWrite write : writes) {
        add(write);
      }
      flush();
    }

    private void add(RowWrite write) throws SQLException {
      if (write instanceof RowWrite.Insert w) {
        insert(table(w.row()), w.row());
      } else if (write instanceof RowWrite.Save w) {
        TableSql table = table(w.row());
        bind(table.replace, table.inserted, w.row());
      } else if (write instanceof RowWrite.Update w) {
        TableSql table = table(w.row());
        bind(table.update, table.updatedThenKeys, w.row());
      } else if (write instanceof RowWrite.Delete w) {
        TableSql table = table(w.key());
        bind(table.delete, table.keys, w.key());
      }
    }

    /** Adds {@code row}'s values of {@code columns} to the batch of {@code sql}. */
    private void bind(String sql, List<AbstractDirectMapping> columns, Object row)
        throws SQLException {
      PreparedStatement s = statement(sql);
      bindValues(s, 1, columns, row);
      s.addBatch();
    }

    /** Binds {@code row}'s values of {@code columns} from parameter {@code first}; the next. */
    private int bindValues(PreparedStatement s, int first, List<AbstractDirectMapping> columns,
        Object row) throws SQLException {
      int p = first;
      for (AbstractDirectMapping column : columns) {
        s.setObject(p++, column.getFieldValue(column.getAttributeValueFromObject(row), session));
      }
      return p;
    }

    /** Adds {@code row} to the run of inserts into {@code table}, sending a full run. */
    private void insert(TableSql table, Object row) throws SQLException {
      sendBatch();
      if (insertsInto != table) {
        sendInserts();
        insertsInto = table;
      }
      inserts.add(row);
      if (inserts.size() == table.rowsPerInsert) {
        sendInserts();
      }
    }

    private PreparedStatement statement(String sql) throws SQLException {
      sendInserts();
      PreparedStatement s = prepared(sql);
      if (pending != null && pending != s) {
        sendBatch();
      }
      pending = s;
      return s;
    }

    private void flush() throws SQLException {
      sendInserts();
      sendBatch();
    }

    private void sendBatch() throws SQLException {
      if (pending != null) {
        pending.executeBatch();
        pending = null;
      }
    }

    private void sendInserts() throws SQLException {
      if (inserts.isEmpty()) {
        return;
      }
      if (inserts.size() < SERVER_INSERT_MIN_ROWS) {
        PreparedStatement s = prepared(insertsInto.insert);
        for (Object row : inserts) {
          bindValues(s, 1, insertsInto.inserted, row);
          s.addBatch();
        }
        s.executeBatch();
      } else {
        PreparedStatement s = connection.statement(insertsInto.insertOf(inserts.size()),
            (c, sql) -> c.unwrap(JdbcConnection.class).serverPrepareStatement(sql));
        int p = 1;
        for (Object row : inserts) {
          p = bindValues(s, p, insertsInto.inserted, row);
        }
        s.executeUpdate();
      }
      inserts.clear();
      insertsInto = null;
    }

    /** The client-side statement of {@code sql} on the kept connection. */
    private PreparedStatement prepared(String sql) throws SQLException {
      return connection.statement(sql, Connection::prepareStatement);
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
    /** At most {@link #ROWS_PER_INSERT}, and within MySQL's limit on placeholders. */
    final int rowsPerInsert;
    /** At index n - 1, the insert of n rows; made on first use (a race makes one twice). */
    private final String[] insertsOfRows;
    private final String insertHead;
    private final String rowMarks;
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
      insertHead = "INSERT INTO " + table + " (" + names + ") VALUES ";
      rowMarks = "(" + marks + ")";
      insert = insertHead + rowMarks;
      rowsPerInsert = Math.max(1, Math.min(ROWS_PER_INSERT,
          MAX_PLACEHOLDERS / Math.max(1, inserted.size())));
      insertsOfRows = new String[rowsPerInsert];
      replace = "REPLACE INTO " + table + " (" + names + ") VALUES (" + marks + ")";
      update = "UPDATE " + table + " SET "
          + updated.stream().map(c -> name(c) + " = ?").collect(Collectors.joining(", "))
          + " WHERE " + where;
      delete = "DELETE FROM " + table + " WHERE " + where;
    }

    /** The insert of {@code rows} rows (1 to {@link #rowsPerInsert}). */
    String insertOf(int rows) {
      String sql = insertsOfRows[rows - 1];
      if (sql == null) {
        StringBuilder b = new StringBuilder(insertHead);
        for (int i = 0; i < rows; i++) {
          b.append(i == 0 ? "" : ", ").append(rowMarks);
        }
        sql = b.toString();
        insertsOfRows[rows - 1] = sql;
      }
      return sql;
    }
  }

  private static String name(AbstractDirectMapping column) {
    return column.getField().getName();
  }
}
