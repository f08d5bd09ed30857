package org.quipu.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import javax.sql.DataSource;
import org.quipu.proto.replication.v1.SnapshotFrame;
import org.quipu.proto.replication.v1.SnapshotHeader;
import org.quipu.proto.replication.v1.SnapshotRow;
import org.quipu.proto.replication.v1.SnapshotTable;
import org.quipu.proto.replication.v1.SnapshotTrailer;
import org.quipu.replication.LogPosition;
import org.quipu.store.SnapshotFormat.Kind;

/**
 * Writes a snapshot of the state tables ({@code snapshot.proto}) from one consistent read: a
 * read-only REPEATABLE READ transaction started {@code WITH CONSISTENT SNAPSHOT}, on one
 * connection, reads node_state and every table, so the rows are exactly the state at the applied
 * seq it reads while the applier goes on committing. Each table is streamed row by row (MySQL
 * Connector/J streams a result set whose fetch size is {@link Integer#MIN_VALUE}), in primary-key
 * order, and written out as it is read: the heap holds one row, whatever the tables hold.
 *
 * <p>The transaction holds no lock, but InnoDB keeps the undo of every change committed after it
 * started until it ends (purge waits), so a slow reader of {@code out} makes the undo grow.
 */
final class SnapshotWriter {

  private SnapshotWriter() {}

  static LogPosition write(DataSource dataSource, List<String> tables, OutputStream out)
      throws SQLException, IOException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(true); // the transaction is started and ended by the statements below
      // The level applies to the next transaction only: the pooled connection keeps its own.
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      try {
        LogPosition at = write(c, tables, out);
        s.execute("COMMIT");
        return at;
      } catch (SQLException | IOException | RuntimeException e) {
        try {
          s.execute("ROLLBACK");
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    }
  }

  private static LogPosition write(Connection c, List<String> tables, OutputStream out)
      throws SQLException, IOException {
    LogPosition at = appliedPosition(c);
    Map<String, List<String>> columns = StateTables.columns(c, tables);
    Map<String, List<String>> keys = StateTables.primaryKeys(c, tables);
    SnapshotHeader.Builder header = SnapshotHeader.newBuilder()
        .setFormatVersion(SnapshotFormat.VERSION)
        .setAppliedSeq(at.seq())
        .setEpoch(at.epoch())
        .setSchemaVersion(StateTables.schemaVersion(c));
    for (String table : tables) {
      header.addTables(
          SnapshotTable.newBuilder().setName(table).addAllColumns(columns.get(table)));
    }

    CheckedOutputStream checked =
        new CheckedOutputStream(new BufferedOutputStream(out, 1 << 16), new CRC32C());
    SnapshotFrame.newBuilder().setHeader(header).build().writeDelimitedTo(checked);
    SnapshotTrailer.Builder trailer = SnapshotTrailer.newBuilder();
    for (int t = 0; t < tables.size(); t++) {
      String table = tables.get(t);
      trailer.addRowCounts(writeRows(c, t, table, columns.get(table), keys.get(table), checked));
    }
    trailer.setCrc32C((int) checked.getChecksum().getValue());
    SnapshotFrame.newBuilder().setTrailer(trailer).build().writeDelimitedTo(checked);
    checked.flush();
    return at;
  }

  private static LogPosition appliedPosition(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT applied_seq, epoch FROM node_state WHERE id = 1")) {
      if (!r.next()) {
        throw new SQLException("node_state has no row; the migrations did not run");
      }
      return new LogPosition(r.getLong(1), r.getLong(2), 0);
    }
  }

  /** Streams one table's rows, in key order, as row frames; returns how many. */
  private static long writeRows(Connection c, int index, String table, List<String> columns,
      List<String> key, OutputStream out) throws SQLException, IOException {
    String sql = "SELECT " + String.join(", ", columns.stream().map(StateTables::quoted).toList())
        + " FROM " + StateTables.quoted(table) + " ORDER BY "
        + String.join(", ", key.stream().map(StateTables::quoted).toList());
    long rows = 0;
    try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      s.setFetchSize(Integer.MIN_VALUE); // Connector/J: stream the rows, do not buffer them all
      try (ResultSet r = s.executeQuery(sql)) {
        ResultSetMetaData meta = r.getMetaData();
        List<Kind> kinds = new ArrayList<>(columns.size());
        for (int i = 1; i <= columns.size(); i++) {
          kinds.add(Kind.of(meta.getColumnType(i), table + "." + columns.get(i - 1)));
        }
        SnapshotRow.Builder row = SnapshotRow.newBuilder().setTable(index);
        SnapshotFrame.Builder frame = SnapshotFrame.newBuilder();
        while (r.next()) {
          row.clearValues();
          for (int i = 1; i <= kinds.size(); i++) {
            row.addValues(SnapshotFormat.read(r, i, kinds.get(i - 1)));
          }
          frame.setRow(row).build().writeDelimitedTo(out);
          rows++;
        }
      }
    }
    return rows;
  }
}
