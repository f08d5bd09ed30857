package org.quipu.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Deletes the messages of deleted, purged and expired queues, in the background, a slice per
 * transaction.
 *
 * <p>Applying a queue's delete, purge or expiry only records a bound in {@code dropped_messages}
 * (the rows of the queue whose order key is below it are the ones dropped; a later bound of the
 * same queue replaces it, and is higher): deleting a million rows inside
 * the apply took tens of seconds, and every write of every user waited behind it. Until this
 * pass has deleted them, the rows are invisible: the restore and the console's search start each
 * queue above its bound, and a queue created again under the name gets order keys above it (they
 * follow the log). Deleting them is therefore safe at any time, in any state this node reaches
 * later, which is what lets each node do it on its own: nothing of it is replicated, and the
 * digest (of the state in memory) does not see it.
 *
 * <p>A bound's row goes in the same transaction as a last delete over its whole range: a snapshot
 * installed meanwhile (which replaces both tables) either commits before that delete's locking
 * read, which then sees its rows, or waits for it.
 */
public final class DroppedMessages implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DroppedMessages.class.getName());

  /** Rows deleted per statement: short enough not to hold the applier's inserts up for long. */
  static final int SLICE = 2_000;

  private static final String BOUNDS =
      "SELECT queue_name, below_order_key FROM dropped_messages ORDER BY queue_name";
  private static final String LAST_OF_SLICE = "SELECT order_key FROM messages"
      + " WHERE queue_name = ? AND order_key >= ? AND order_key < ?"
      + " ORDER BY order_key LIMIT 1 OFFSET " + (SLICE - 1);
  private static final String DELETE_RANGE = "DELETE FROM messages"
      + " WHERE queue_name = ? AND order_key >= ? AND order_key <= ?";
  private static final String DELETE_REST =
      "DELETE FROM messages WHERE queue_name = ? AND order_key < ?";
  private static final String DELETE_BOUND =
      "DELETE FROM dropped_messages WHERE queue_name = ? AND below_order_key = ?";

  private final DataSource dataSource;
  private final Duration pause;
  private final ScheduledExecutorService runner;
  /** Queues whose rows are still to be deleted, as of the last pass; 0 before the first. */
  private volatile int queuesLeft;

  /**
   * @param pause the least wait between two slices (at least as long as the slice took), which
   *     leaves the database to the applier
   */
  DroppedMessages(DataSource dataSource, Duration pause, ScheduledExecutorService runner) {
    this.dataSource = dataSource;
    this.pause = pause;
    this.runner = runner;
  }

  /** A pass every {@code every} on a daemon thread of its own, until {@link #close}. */
  public static DroppedMessages every(DataSource dataSource, Duration every, Duration pause) {
    ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-dropped-messages");
      t.setDaemon(true);
      return t;
    });
    DroppedMessages dropped = new DroppedMessages(dataSource, pause, runner);
    runner.scheduleWithFixedDelay(dropped::passLogged, every.toMillis(), every.toMillis(),
        TimeUnit.MILLISECONDS);
    return dropped;
  }

  private void passLogged() {
    try {
      long deleted = pass();
      if (deleted > 0) {
        LOG.info(() -> "deleted " + deleted + " messages of deleted, purged or expired queues");
      }
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "messages of deleted, purged or expired queues not deleted yet;"
          + " the next pass retries", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log it and keep the schedule.
      LOG.log(Level.SEVERE, "the pass over deleted, purged or expired queues' messages failed", e);
    }
  }

  /** Deletes every dropped row and every bound it finds; how many rows it deleted. */
  long pass() throws SQLException, InterruptedException {
    long deleted = 0;
    Map<String, Long> bounds = bounds();
    queuesLeft = bounds.size();
    for (Map.Entry<String, Long> bound : bounds.entrySet()) {
      String queue = bound.getKey();
      long below = bound.getValue();
      // Each slice starts after the last: InnoDB keeps deleted rows (delete-marked) until its
      // purge catches up, and a slice that started at the bottom of the range again would walk
      // over all of them (measured: 2,400 rows a second a node, MariaDB at 1.8 cores).
      long from = Long.MIN_VALUE;
      OptionalLong last;
      while ((last = lastOfSlice(queue, from, below)).isPresent()) {
        long started = System.nanoTime();
        deleted += update(DELETE_RANGE, queue, from, last.getAsLong());
        from = last.getAsLong() + 1;
        // Half the time at most: the applier shares this database.
        Thread.sleep(Math.max(pause.toMillis(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
      }
      deleted += deleteRestAndBound(queue, below);
      queuesLeft--;
    }
    return deleted;
  }

  /**
   * How many deleted, purged or expired queues still have rows waiting, as the last pass saw them
   * (one every few seconds): what {@code quipu_dropped_message_queues} shows.
   */
  public int queuesLeft() {
    return queuesLeft;
  }

  private Map<String, Long> bounds() throws SQLException {
    Map<String, Long> bounds = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(BOUNDS);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        bounds.put(r.getString(1), r.getLong(2));
      }
    }
    return bounds;
  }

  /** The order key of the last row of a full slice from {@code from}; empty when none is full. */
  private OptionalLong lastOfSlice(String queue, long from, long below) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(LAST_OF_SLICE)) {
      s.setString(1, queue);
      s.setLong(2, from);
      s.setLong(3, below);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private int update(String sql, String queue, long from, long to) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, queue);
      s.setLong(2, from);
      s.setLong(3, to);
      return s.executeUpdate();
    }
  }

  /**
   * The last rows, from the bottom of the range (rows a snapshot installed meanwhile may have put
   * back below the slices), and the bound with them, in one transaction.
   */
  private int deleteRestAndBound(String queue, long below) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int deleted;
        try (PreparedStatement s = c.prepareStatement(DELETE_REST)) {
          s.setString(1, queue);
          s.setLong(2, below);
          deleted = s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(DELETE_BOUND)) {
          s.setString(1, queue);
          s.setLong(2, below);
          s.executeUpdate();
        }
        c.commit();
        return deleted;
      } catch (SQLException | RuntimeException e) {
        Rollback.after(c, e);
        throw e;
      }
    }
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }
}
