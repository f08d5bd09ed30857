package org.quipu.store;

import com.google.protobuf.ByteString;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.quipu.proto.replication.v1.SnapshotFrame;
import org.quipu.proto.replication.v1.SnapshotValue;

/**
 * What {@link SnapshotWriter} and {@link SnapshotInstaller} share of the snapshot format ({@code
 * quipu/replication/v1/snapshot.proto}): its version, how a column's value is read from a row and
 * bound to an insert, and the reading of frames with the checksum of what came before.
 */
final class SnapshotFormat {

  /** The format this code writes and the only one it reads. */
  static final int VERSION = 1;

  private static final SnapshotValue NULL = SnapshotValue.newBuilder().setIsNull(true).build();

  private SnapshotFormat() {}

  /** How a column's values travel, from its JDBC type. */
  enum Kind {
    INTEGER, TEXT, BINARY;

    /** Refuses a type no state column has today: a migration that adds one extends this first. */
    static Kind of(int jdbcType, String column) {
      return switch (jdbcType) {
        case Types.BIT, Types.BOOLEAN, Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT ->
            INTEGER;
        case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR,
            Types.LONGNVARCHAR, Types.CLOB -> TEXT;
        case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
        default -> throw new IllegalStateException("column " + column + " has JDBC type "
            + jdbcType + ", which snapshot format " + VERSION + " cannot carry");
      };
    }
  }

  /** The value of column {@code i} of the current row. */
  static SnapshotValue read(ResultSet r, int i, Kind kind) throws SQLException {
    switch (kind) {
      case INTEGER -> {
        long value = r.getLong(i);
        return r.wasNull() ? NULL : SnapshotValue.newBuilder().setInteger(value).build();
      }
      case TEXT -> {
        String value = r.getString(i);
        return value == null ? NULL : SnapshotValue.newBuilder().setText(value).build();
      }
      default -> {
        byte[] value = r.getBytes(i);
        return value == null ? NULL
            : SnapshotValue.newBuilder().setBinary(ByteString.copyFrom(value)).build();
      }
    }
  }

  /** Binds {@code value} as parameter {@code i}; a value of no kind is refused. */
  static void bind(PreparedStatement s, int i, SnapshotValue value)
      throws SQLException, IOException {
    switch (value.getValueCase()) {
      case IS_NULL -> s.setNull(i, Types.NULL);
      case INTEGER -> s.setLong(i, value.getInteger());
      case TEXT -> s.setString(i, value.getText());
      case BINARY -> s.setBytes(i, value.getBinary().toByteArray());
      default -> throw new IOException("a snapshot value of no known kind");
    }
  }

  /** The value's size in bytes, near enough to bound the size of an insert. */
  static int size(SnapshotValue value) {
    return switch (value.getValueCase()) {
      case TEXT -> value.getText().length();
      case BINARY -> value.getBinary().size();
      default -> 8;
    };
  }

  /**
   * Reads frames from a stream and keeps the CRC-32C of every byte read; {@link #checksum} is that
   * of the bytes before the last frame read (the one a trailer states).
   */
  static final class FrameReader {
    private final CheckedInputStream in;
    private long beforeLast;

    FrameReader(InputStream in) {
      this.in = new CheckedInputStream(new BufferedInputStream(in, 1 << 16), new CRC32C());
    }

    /** The next frame; an {@link IOException} at the end of the stream or in a broken frame. */
    SnapshotFrame next() throws IOException {
      beforeLast = in.getChecksum().getValue();
      SnapshotFrame frame = SnapshotFrame.parseDelimitedFrom(in);
      if (frame == null) {
        throw new IOException("the snapshot ends before its trailer");
      }
      return frame;
    }

    /** The CRC-32C of the bytes before the last frame read. */
    int checksum() {
      return (int) beforeLast;
    }

    /** Whether the stream ends here. */
    boolean atEnd() throws IOException {
      return in.read() == -1;
    }
  }
}
