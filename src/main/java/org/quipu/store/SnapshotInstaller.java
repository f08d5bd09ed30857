package org.quipu.store;

import com.mysql.cj.jdbc.JdbcConnection;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.quipu.proto.replication.v1.SnapshotFrame;
import org.quipu.proto.replication.v1.SnapshotHeader;
import org.quipu.proto.replication.v1.SnapshotRow;
import org.quipu.proto.replication.v1.SnapshotTable;
import org.quipu.proto.replication.v1.SnapshotTrailer;
import org.quipu.replication.LogPosition;

/**
 * Replaces the state tables with a snapshot ({@code snapshot.proto}) in one transaction on one
 * connection: the header is checked first (format, schema version, position, tables and columns
 * exactly this schema's), then every state table's rows are deleted, the snapshot's rows inserted
 * and node_state set to the snapshot's position; the commit comes only once the trailer has
 * matched what was read (row counts, checksum) and the stream has ended. Anything else rolls the
 * transaction back: the tables are as they were. The state tables have no foreign keys (a test
 * keeps it so), so the order of deletes and inserts does not matter.
 *
 * <p>Rows go in as server-side prepared multi-row inserts, as {@link JdbcCommandLog}'s entries
 * do: up to {@value #ROWS_PER_INSERT} rows or about {@value #BYTES_PER_INSERT} bytes each, values
 * in the binary protocol, each statement prepared once per row count.
 */
final class SnapshotInstaller {

  static final int ROWS_PER_INSERT = 100;
  static final int BYTES_PER_INSERT = 4 << 20;

  private SnapshotInstaller() {}

  static void install(DataSource dataSource, List<String> tables, InputStream in, LogPosition at)
      throws SQLException, IOException {
    SnapshotFormat.FrameReader frames = new SnapshotFormat.FrameReader(in);
    SnapshotFrame first = frames.next();
    if (!first.hasHeader()) {
      throw new IOException("the snapshot does not begin with its header");
    }
    SnapshotHeader header = first.getHeader();
    if (header.getFormatVersion() != SnapshotFormat.VERSION) {
      throw new IOException("snapshot format " + header.getFormatVersion() + ", this node reads "
          + SnapshotFormat.VERSION + " only");
    }
    if (header.getAppliedSeq() != at.seq() || header.getEpoch() != at.epoch()) {
      throw new IOException("a snapshot at seq " + header.getAppliedSeq() + ", epoch "
          + header.getEpoch() + ", not at " + at);
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        checkSchema(c, header, tables);
        for (String table : tables) {
          try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + StateTables.quoted(table));
          }
        }
        SnapshotTrailer trailer = insertRows(c, header, frames);
        if (!frames.atEnd()) {
          throw new IOException("the snapshot goes on after its trailer");
        }
        try (PreparedStatement s =
            c.prepareStatement("UPDATE node_state SET applied_seq = ?, epoch = ? WHERE id = 1")) {
          s.setLong(1, at.seq());
          s.setLong(2, at.epoch());
          if (s.executeUpdate() != 1) {
            throw new SQLException("node_state has no row; the migrations did not run");
          }
        }
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        Rollback.after(c, e);
        throw e;
      }
    }
  }

  /** Refuses a snapshot of another schema version, or whose tables are not exactly ours. */
  private static void checkSchema(Connection c, SnapshotHeader header, List<String> tables)
      throws SQLException, IOException {
    String schema = StateTables.schemaVersion(c);
    if (!header.getSchemaVersion().equals(schema)) {
      throw new IOException("a snapshot of schema version " + header.getSchemaVersion()
          + ", this node's is " + schema);
    }
    Map<String, List<String>> columns = StateTables.columns(c, tables);
    List<String> theirs = header.getTablesList().stream().map(SnapshotTable::getName).toList();
    if (!theirs.equals(tables)) {
      throw new IOException("a snapshot of tables " + theirs + ", this node's are " + tables);
    }
    for (SnapshotTable table : header.getTablesList()) {
      if (!table.getColumnsList().equals(columns.get(table.getName()))) {
        throw new IOException("a snapshot of " + table.getName() + " with columns "
            + table.getColumnsList() + ", this node's are " + columns.get(table.getName()));
      }
    }
  }

  /** Inserts the rows up to the trailer, checks the trailer and returns it. */
  private static SnapshotTrailer insertRows(Connection c, SnapshotHeader header,
      SnapshotFormat.FrameReader frames) throws SQLException, IOException {
    long[] counts = new long[header.getTablesCount()];
    Inserts inserts = null;
    try {
      while (true) {
        SnapshotFrame frame = frames.next();
        if (frame.hasTrailer()) {
          if (inserts != null) {
            inserts.flush();
          }
          SnapshotTrailer trailer = frame.getTrailer();
          checkTrailer(trailer, counts, frames.checksum());
          return trailer;
        }
        if (!frame.hasRow()) {
          throw new IOException("a snapshot frame that is neither a row nor the trailer");
        }
        SnapshotRow row = frame.getRow();
        int table = row.getTable();
        if (table >= counts.length || (inserts != null && table < inserts.table)) {
          throw new IOException("a snapshot row of table " + table + " out of order");
        }
        SnapshotTable described = header.getTables(table);
        if (row.getValuesCount() != described.getColumnsCount()) {
          throw new IOException("a snapshot row of " + described.getName() + " with "
              + row.getValuesCount() + " values");
        }
        if (inserts == null || inserts.table != table) {
          if (inserts != null) {
            inserts.flush();
            inserts.close();
          }
          inserts = new Inserts(c, table, described);
        }
        inserts.add(row);
        counts[table]++;
      }
    } finally {
      if (inserts != null) {
        inserts.close();
      }
    }
  }

  private static void checkTrailer(SnapshotTrailer trailer, long[] counts, int checksum)
      throws IOException {
    if (trailer.getCrc32C() != checksum) {
      throw new IOException("the snapshot's checksum does not match its bytes");
    }
    List<Long> read = new ArrayList<>(counts.length);
    for (long count : counts) {
      read.add(count);
    }
    if (!trailer.getRowCountsList().equals(read)) {
      throw new IOException("the snapshot's trailer counts rows " + trailer.getRowCountsList()
          + ", the stream held " + read);
    }
  }

  /** One table's pending rows and its inserts, prepared on first use per row count. */
  private static final class Inserts implements AutoCloseable {
    final int table;
    private final Connection connection;
    private final SnapshotTable described;
    private final PreparedStatement[] byRows = new PreparedStatement[ROWS_PER_INSERT];
    private final List<SnapshotRow> pending = new ArrayList<>(ROWS_PER_INSERT);
    private long pendingBytes;

    Inserts(Connection connection, int table, SnapshotTable described) {
      this.connection = connection;
      this.table = table;
      this.described = described;
    }

    void add(SnapshotRow row) throws SQLException, IOException {
      pending.add(row);
      for (int i = 0; i < row.getValuesCount(); i++) {
        pendingBytes += SnapshotFormat.size(row.getValues(i));
      }
      if (pending.size() == ROWS_PER_INSERT || pendingBytes >= BYTES_PER_INSERT) {
        flush();
      }
    }

    void flush() throws SQLException, IOException {
      if (pending.isEmpty()) {
        return;
      }
      PreparedStatement insert = insertOf(pending.size());
      int p = 1;
      for (SnapshotRow row : pending) {
        for (int i = 0; i < row.getValuesCount(); i++) {
          SnapshotFormat.bind(insert, p++, row.getValues(i));
        }
      }
      insert.executeUpdate();
      pending.clear();
      pendingBytes = 0;
    }

    private PreparedStatement insertOf(int rows) throws SQLException {
      PreparedStatement insert = byRows[rows - 1];
      if (insert == null) {
        String one = "(" + String.join(", ", described.getColumnsList().stream().map(n -> "?")
            .toList()) + ")";
        StringBuilder sql = new StringBuilder("INSERT INTO ")
            .append(StateTables.quoted(described.getName())).append(" (")
            .append(String.join(", ",
                described.getColumnsList().stream().map(StateTables::quoted).toList()))
            .append(") VALUES ");
        for (int i = 0; i < rows; i++) {
          sql.append(i == 0 ? one : ", " + one);
        }
        insert = connection.unwrap(JdbcConnection.class).serverPrepareStatement(sql.toString());
        byRows[rows - 1] = insert;
      }
      return insert;
    }

    @Override
    public void close() throws SQLException {
      SQLException failed = null;
      for (PreparedStatement insert : byRows) {
        try {
          if (insert != null) {
            insert.close();
          }
        } catch (SQLException e) {
          if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
  }
}
