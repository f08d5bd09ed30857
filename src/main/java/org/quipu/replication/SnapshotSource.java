package org.quipu.replication;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A leader's side of snapshot transfer: the snapshot it sends every follower whose next entry its
 * log no longer holds. One is written at a time, in the background, from the state tables (while
 * the applier goes on), into a file named by its position and digest; it serves every follower
 * that needs one for as long as the log still holds the entries after it. The last {@link #KEPT}
 * files are kept, so that a transfer under way survives a newer snapshot.
 *
 * <p>While a follower receives a snapshot, then catches up from the log after it, and makes
 * progress, the log is not compacted past what it holds ({@link #compactionLimit}, pinned by its
 * {@link Replicator}): compacted past it, the follower would be sent another snapshot at once —
 * over and over under steady writes, since installing half a gigabyte takes a minute or more.
 */
final class SnapshotSource {

  private static final Logger LOG = Logger.getLogger(SnapshotSource.class.getName());
  private static final int KEPT = 2;

  /** A snapshot written here: its id (position, size, digest) and its file. */
  record Written(SnapshotId id, Path file) {}

  private final StateStore store;
  private final Path dir;
  private final LongSupplier timestampBound;
  private final Executor writer;
  // Guarded by this.
  private final List<Written> written = new ArrayList<>();
  private boolean writing;
  private final List<Runnable> waiting = new ArrayList<>();
  /** By member: the seq it needs the entries after, and until when that holds compaction back. */
  private final java.util.Map<String, long[]> pins = new java.util.HashMap<>();
  /**
   * A follower that made no progress for this long (a live one answers every heartbeat, 50 ms; one
   * that crashed answers nothing) no longer holds compaction back.
   */
  static final Duration PIN_IDLE = Duration.ofSeconds(5);
  /**
   * How long after a failed write (a full disk, the store down) the next one starts: the followers
   * that wait for a snapshot ask again within a heartbeat, and each write reads every state table.
   */
  static final Duration AFTER_A_FAILURE = Duration.ofSeconds(5);

  private final Duration afterAFailure;
  /** When the last write failed; 0 when it did not. Guarded by this. */
  private long failedAtNanos;

  /**
   * @param timestampBound the latest timestamp in this node's log: read after a snapshot is
   *     written, it bounds the timestamp of the entry the snapshot ends at
   * @param writer where snapshots are written (one at a time)
   */
  SnapshotSource(StateStore store, Path dir, LongSupplier timestampBound, Executor writer) {
    this(store, dir, timestampBound, writer, AFTER_A_FAILURE);
  }

  /** As above, the next write starting {@code afterAFailure} after a failed one. */
  SnapshotSource(StateStore store, Path dir, LongSupplier timestampBound, Executor writer,
      Duration afterAFailure) {
    this.afterAFailure = afterAFailure;
    this.store = store;
    this.dir = dir;
    this.timestampBound = timestampBound;
    this.writer = writer;
  }

  /**
   * The latest snapshot if it ends at or after {@code minSeq} (the log's base: the log holds the
   * entries after it). Otherwise null, and a new one is written; {@code ready} runs once it is
   * written or has failed (then asking again writes another).
   */
  synchronized Written atLeast(long minSeq, Runnable ready) {
    Written latest = written.isEmpty() ? null : written.get(written.size() - 1);
    if (latest != null && latest.id().at().seq() >= minSeq) {
      return latest;
    }
    waiting.add(ready);
    if (!writing) {
      writing = true;
      writer.execute(this::write);
    }
    return null;
  }

  /**
   * {@code member} needs the entries after {@code seq} (it receives the snapshot at it, or holds
   * the log up to it and catches up), and has just made progress.
   */
  synchronized void pin(String member, long seq) {
    pin(member, seq, PIN_IDLE);
  }

  /** As {@link #pin(String, long)}, held for {@code hold} (a call installing a snapshot's). */
  synchronized void pin(String member, long seq, Duration hold) {
    pins.put(member, new long[] {seq, System.nanoTime() + hold.toNanos()});
  }

  /** {@code member} has caught up (or its leader stopped): it holds nothing back. */
  synchronized void unpin(String member) {
    pins.remove(member);
  }

  /**
   * The highest seq the log may be compacted to: the lowest seq a follower pinned that made
   * progress lately; {@link Long#MAX_VALUE} when none did.
   */
  synchronized long compactionLimit() {
    long now = System.nanoTime();
    long limit = Long.MAX_VALUE;
    for (long[] pin : pins.values()) {
      if (now - pin[1] < 0) {
        limit = Math.min(limit, pin[0]);
      }
    }
    return limit;
  }

  /** Up to {@code max} bytes of {@code snapshot} from {@code offset}. */
  static byte[] read(Written snapshot, long offset, int max) throws IOException {
    int length = (int) Math.min(max, snapshot.id().size() - offset);
    byte[] bytes = new byte[Math.max(0, length)];
    try (RandomAccessFile in = new RandomAccessFile(snapshot.file().toFile(), "r")) {
      in.seek(offset);
      in.readFully(bytes);
    }
    return bytes;
  }

  /**
   * Waits until {@link #afterAFailure} has passed since the last write failed, if it did; false
   * when interrupted meanwhile (the node is stopping: nobody waits for the snapshot any more).
   */
  private boolean pauseAfterAFailure() {
    long failedAt;
    synchronized (this) {
      failedAt = failedAtNanos;
    }
    long left = failedAt == 0 ? 0 : afterAFailure.toNanos() - (System.nanoTime() - failedAt);
    if (left <= 0) {
      return true;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(left);
      return true;
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      synchronized (this) {
        writing = false;
        waiting.clear();
      }
      return false;
    }
  }

  /** Snapshot files this source does not know of: left by an earlier run of the node. */
  private void deleteUnknownFiles() throws IOException {
    List<Path> known;
    synchronized (this) {
      known = written.stream().map(Written::file).toList();
    }
    try (var files = Files.newDirectoryStream(dir, "*.snapshot")) {
      for (Path file : files) {
        if (!known.contains(file)) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private void write() {
    if (!pauseAfterAFailure()) {
      return;
    }
    Written made = null;
    long started = System.nanoTime();
    try {
      Files.createDirectories(dir);
      deleteUnknownFiles();
      Path temp = Files.createTempFile(dir, "writing-", ".snapshot");
      MessageDigest sha = SnapshotInbox.sha256();
      LogPosition at;
      try (OutputStream out = new DigestOutputStream(
          new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), sha)) {
        at = store.writeSnapshot(out);
      } catch (IOException | StoreUnavailableException | RuntimeException failed) {
        Files.deleteIfExists(temp);
        throw failed;
      }
      String digest = java.util.HexFormat.of().formatHex(sha.digest());
      LogPosition stamped = new LogPosition(at.seq(), at.epoch(),
          Math.max(at.timestampMillis(), timestampBound.getAsLong()));
      Path file = dir.resolve("snapshot-" + at.seq() + "-" + at.epoch() + "-"
          + digest.substring(0, 16) + ".snapshot");
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      made = new Written(new SnapshotId(stamped, Files.size(file), digest), file);
      LOG.info("snapshot at seq " + at.seq() + " written: " + made.id().size() + " bytes in "
          + (System.nanoTime() - started) / 1_000_000 + " ms");
    } catch (IOException | StoreUnavailableException | RuntimeException failed) {
      LOG.log(Level.WARNING, "cannot write a snapshot; asked again at the next try", failed);
    }
    List<Runnable> ready;
    synchronized (this) {
      writing = false;
      failedAtNanos = made == null ? System.nanoTime() : 0;
      if (made != null) {
        written.add(made);
        while (written.size() > KEPT) {
          Path old = written.remove(0).file();
          try {
            Files.deleteIfExists(old);
          } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete the old snapshot " + old, e);
          }
        }
      }
      ready = new ArrayList<>(waiting);
      waiting.clear();
    }
    ready.forEach(Runnable::run);
  }
}
