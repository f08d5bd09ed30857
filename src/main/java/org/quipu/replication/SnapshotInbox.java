package org.quipu.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A follower's side of a snapshot transfer: the bytes of the snapshot it is receiving, in a file
 * named after the snapshot, so that a transfer cut off — the leader's call lost, or this node
 * restarted — resumes where the file ends. Receiving another snapshot discards the file of the
 * one before. Not thread-safe: its {@link ReplicaLog} calls it under its lock.
 *
 * <p>It also keeps, durably, which snapshot is being installed ({@link #markInstalling}): the
 * tables and the log are replaced in two steps, and a node that stops between them finishes the
 * second when it starts again.
 */
final class SnapshotInbox {

  private static final String INSTALLING = "installing";

  private final Path dir;
  private SnapshotId receiving;
  private Path file;
  private long held;

  SnapshotInbox(Path dir) {
    this.dir = dir;
  }

  /**
   * Takes {@code data} for snapshot {@code id} if it starts where the bytes held end (a chunk
   * elsewhere, an empty one included, changes nothing); returns how many bytes are held now.
   */
  long take(SnapshotId id, long offset, byte[] data) throws IOException {
    if (!id.equals(receiving)) {
      switchTo(id);
    }
    if (offset == held && data.length > 0 && held + data.length <= id.size()) {
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(data);
        long at = held;
        while (bytes.hasRemaining()) {
          at += out.write(bytes, at);
        }
      }
      held += data.length;
    }
    return held;
  }

  /** True when every byte of the snapshot being received is held and their digest is its. */
  boolean completeAndIntact() throws IOException {
    if (receiving == null || held != receiving.size()) {
      return false;
    }
    MessageDigest sha = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest()).equals(receiving.sha256Hex());
  }

  /** Records, durably, that the snapshot at {@code at} is being installed. */
  void markInstalling(LogPosition at) throws IOException {
    Files.createDirectories(dir);
    Path marker = dir.resolve(INSTALLING);
    try (FileChannel out = FileChannel.open(marker, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(ByteBuffer.wrap((at.seq() + " " + at.epoch() + " " + at.timestampMillis())
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      out.force(true);
    }
  }

  /** The snapshot whose installation was begun and not finished, or null. */
  LogPosition installing() throws IOException {
    Path marker = dir.resolve(INSTALLING);
    if (!Files.exists(marker)) {
      return null;
    }
    String[] fields = Files.readString(marker).trim().split(" ");
    return new LogPosition(Long.parseLong(fields[0]), Long.parseLong(fields[1]),
        Long.parseLong(fields[2]));
  }

  /** The installation is finished (or did not happen). */
  void clearInstalling() throws IOException {
    Files.deleteIfExists(dir.resolve(INSTALLING));
  }

  /** The bytes held, from the start. */
  InputStream open() throws IOException {
    return Files.newInputStream(file);
  }

  /** Forgets the snapshot being received and deletes its file. */
  void discard() throws IOException {
    if (file != null) {
      Files.deleteIfExists(file);
    }
    receiving = null;
    file = null;
    held = 0;
  }

  private void switchTo(SnapshotId id) throws IOException {
    Files.createDirectories(dir);
    Path wanted = dir.resolve("snapshot-" + id.at().seq() + "-" + id.at().epoch() + "-"
        + id.sha256Hex().substring(0, 16) + ".part");
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "snapshot-*.part")) {
      for (Path p : old) {
        if (!p.equals(wanted)) {
          Files.delete(p);
        }
      }
    }
    receiving = id;
    file = wanted;
    held = Files.exists(wanted) ? Math.min(Files.size(wanted), id.size()) : 0;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
