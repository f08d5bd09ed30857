package org.quipu.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;
import org.quipu.core.state.IdempotencyRecord;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageContent;
import org.quipu.core.state.MessageEvent;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.Role;
import org.quipu.core.state.Session;
import org.quipu.core.state.Snapshot;
import org.quipu.core.state.Subscription;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.User;
import org.quipu.proto.replication.v1.SnapshotFrame;
import org.quipu.proto.replication.v1.SnapshotHeader;
import org.quipu.proto.replication.v1.SnapshotTable;
import org.quipu.replication.LogPosition;

/**
 * Snapshots of the state tables on MariaDB ({@link JpaStateStore#writeSnapshot}, {@link
 * JpaStateStore#installSnapshot}): a snapshot installed in an emptied database restores the same
 * broker, contents and tables; one written while applies go on is the state at its applied seq; a
 * broken one, or one at another position, changes nothing. The tests share StateStoreIT's
 * database, wiped per case, so the "other node" is the same database emptied.
 */
class SnapshotIT {

  private static final QueueAttributes PLAIN =
      new QueueAttributes(30_000, null, null, 345_600_000, null, false);
  private static final QueueAttributes WITH_DLQ =
      new QueueAttributes(5_000, 3, "orders-dlq", 60_000, 1_000, true);

  private static StoreDatabase db;

  @BeforeAll
  static void connect() {
    db = new StoreDatabase();
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void wipe() {
    db.wipe();
  }

  private static JpaStateStore store(long cacheBytes) {
    return store(contents(cacheBytes));
  }

  private static JpaStateStore store(MessageContents contents) {
    return opened.add(new JpaStateStore(db.entities, db.dataSource, contents, StateWriter.JDBC));
  }

  private static final OpenedStores opened = new OpenedStores();

  @AfterEach
  void closeStores() {
    opened.closeAll();
  }

  private static MessageContents contents(long cacheBytes) {
    return new MessageContents(db.entities, cacheBytes, Executors.newSingleThreadExecutor());
  }

  @Test
  void aSnapshot_installedInAnEmptiedDatabase_restoresTheSameStateAndContents() throws Exception {
    JpaStateStore source = store(0);
    List<String> ids = everyKindOfRow(source, 5, 2);
    Broker before = restored(source);
    Map<String, MessageContent> contentsBefore = contents(0).now(ids);
    JpaStateStore.Stored rowsBefore = source.read();
    ByteArrayOutputStream written = new ByteArrayOutputStream();

    LogPosition at = source.writeSnapshot(written);

    assertEquals(new LogPosition(5, 2, 0), at);
    db.wipe();
    JpaStateStore target = store(0);
    target.installSnapshot(new ByteArrayInputStream(written.toByteArray()), at);

    assertEquals(5, target.appliedSeq());
    assertEquals(2, db.count("SELECT epoch FROM node_state"));
    assertEquals(before.digest(), restored(target).digest());
    assertEquals(contentsBefore, contents(0).now(ids));
    assertEquals(ids.size(), contentsBefore.size());
    assertSameRows(rowsBefore.snapshot(), target.read().snapshot());
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    target.writeSnapshot(again);
    assertArrayEquals(written.toByteArray(), again.toByteArray(), "the same tables, the same bytes");
  }

  @Test
  void installSnapshot_replacesEveryTable_andForgetsTheCachedContents() throws Exception {
    JpaStateStore source = store(0);
    source.apply(List.of(new Change.QueueSaved(new QueueDefinition("q", "alice", PLAIN, 1)),
        new Change.MessageInserted(message("m-1", "q", 1_000_000),
            new MessageContent("from the snapshot", Map.of()))), 3, 1);
    JpaStateStore.Stored snapshotRows = source.read();
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    LogPosition at = source.writeSnapshot(written);
    db.wipe();
    MessageContents targetContents = contents(1 << 20);
    JpaStateStore target = store(targetContents);
    everyKindOfRow(target, 9, 4); // its m-1 is another message; the cache holds every content
    assertTrue(targetContents.now(List.of("m-1")).get("m-1").body().startsWith("héllo"));

    target.installSnapshot(new ByteArrayInputStream(written.toByteArray()), at);

    assertEquals(3, target.appliedSeq());
    assertSameRows(snapshotRows.snapshot(), target.read().snapshot());
    assertEquals(Map.of("m-1", new MessageContent("from the snapshot", Map.of())),
        targetContents.now(List.of("m-1")));
    assertEquals(Map.of(), targetContents.now(List.of("m-2", "m-3", "m-4.1")));
  }

  @Test
  void aSnapshotWrittenWhileAppliesGoOn_isExactlyTheStateAtItsAppliedSeq() throws Exception {
    JpaStateStore source = store(0);
    List<Change> bulk = new ArrayList<>();
    bulk.add(new Change.QueueSaved(new QueueDefinition("bulk", "alice", PLAIN, 1)));
    bulk.add(new Change.QueueSaved(new QueueDefinition("live", "alice", PLAIN, 1)));
    for (int i = 0; i < 20_000; i++) {
      bulk.add(new Change.MessageInserted(message("b-" + i, "bulk", 1_000_000L + i),
          new MessageContent("bulk body " + i, Map.of())));
    }
    source.apply(bulk, 1, 1);
    // Batch n (from 2 on) adds user u-n and message c-n of queue "live": the tables at applied
    // seq n hold exactly u-2..u-n and c-2..c-n.
    AtomicLong applied = new AtomicLong(1);
    AtomicReference<Exception> applierFailed = new AtomicReference<>();
    Thread applier = new Thread(() -> {
      try {
        for (long n = 2; !Thread.currentThread().isInterrupted(); n++) {
          source.apply(List.of(new Change.UserSaved(new User("u-" + n, "h", Role.USER, false, n)),
              new Change.MessageInserted(message("c-" + n, "live", 2_000_000 + n),
                  new MessageContent("live " + n, Map.of()))), n, 1);
          applied.set(n);
        }
      } catch (Exception e) {
        applierFailed.set(e);
      }
    });
    applier.start();
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    LogPosition at;
    long appliedWhenStarted;
    try {
      while (applied.get() < 5) {
        Thread.sleep(5);
      }
      appliedWhenStarted = applied.get();
      at = source.writeSnapshot(slow(written)); // slow: the applier commits meanwhile
    } finally {
      applier.interrupt();
      applier.join();
    }
    long appliedWhenDone = applied.get();
    assertEquals(null, applierFailed.get());
    assertTrue(at.seq() >= appliedWhenStarted, at + " after " + appliedWhenStarted);
    assertTrue(appliedWhenDone > at.seq() + 10,
        "applies went on while the snapshot was written: " + appliedWhenDone + " vs " + at);

    db.wipe();
    JpaStateStore target = store(0);
    target.installSnapshot(new ByteArrayInputStream(written.toByteArray()), at);

    Snapshot state = target.read().snapshot();
    Set<String> users = new HashSet<>();
    state.users().forEach(u -> users.add(u.username()));
    Set<String> live = new HashSet<>();
    state.messages().forEach(m -> {
      if (m.queue().equals("live")) {
        live.add(m.id());
      }
    });
    Set<String> expectedUsers = new HashSet<>();
    Set<String> expectedLive = new HashSet<>();
    for (long n = 2; n <= at.seq(); n++) {
      expectedUsers.add("u-" + n);
      expectedLive.add("c-" + n);
    }
    assertEquals(expectedUsers, users);
    assertEquals(expectedLive, live);
    assertEquals(20_000 + expectedLive.size(),
        StreamSupport.stream(state.messages().spliterator(), false).count());
  }

  @Test
  void aBrokenSnapshot_orOneAtAnotherPosition_isRefused_andTheTablesStayAsTheyWere()
      throws Exception {
    JpaStateStore source = store(0);
    everyKindOfRow(source, 5, 2);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    LogPosition at = source.writeSnapshot(written);
    byte[] good = written.toByteArray();
    db.wipe();
    JpaStateStore target = store(0);
    target.apply(List.of(new Change.UserSaved(new User("zed", "h", Role.ADMIN, false, 1)),
        new Change.QueueSaved(new QueueDefinition("mine", "zed", PLAIN, 1)),
        new Change.MessageInserted(message("z-1", "mine", 1_000_000),
            new MessageContent("mine", Map.of()))), 3, 1);
    byte[] targetBefore = snapshotOf(target);
    List<Integer> frames = frameOffsets(good);
    int trailerAt = frames.get(frames.size() - 1);
    int bodyAt = indexOf(good, "héllo".getBytes(StandardCharsets.UTF_8));

    Map<String, byte[]> broken = new LinkedHashMap<>();
    broken.put("empty", new byte[0]);
    broken.put("cut in its header", Arrays.copyOf(good, 10));
    broken.put("cut after its header", Arrays.copyOf(good, frames.get(1)));
    broken.put("cut among its rows", Arrays.copyOf(good, frames.get(frames.size() / 2) + 3));
    broken.put("without its trailer", Arrays.copyOf(good, trailerAt));
    broken.put("cut in its trailer", Arrays.copyOf(good, good.length - 1));
    broken.put("longer than written", Arrays.copyOf(good, good.length + 1));
    byte[] flipped = good.clone();
    flipped[bodyAt] = (byte) 'H';
    broken.put("a byte of a body changed", flipped);
    broken.put("format 2", rewritten(good, h -> h.toBuilder().setFormatVersion(2).build()));
    broken.put("another schema", rewritten(good, h -> h.toBuilder().setSchemaVersion("6").build()));
    broken.put("a column renamed", rewritten(good, h -> h.toBuilder().setTables(0,
        SnapshotTable.newBuilder(h.getTables(0)).setColumns(0, "renamed")).build()));
    broken.put("a table missing", rewritten(good, h -> h.toBuilder().removeTables(
        h.getTablesCount() - 1).build()));
    for (Map.Entry<String, byte[]> b : broken.entrySet()) {
      assertThrows(IOException.class,
          () -> target.installSnapshot(new ByteArrayInputStream(b.getValue()), at), b.getKey());
      assertArrayEquals(targetBefore, snapshotOf(target), b.getKey());
    }
    assertTrue(Arrays.equals(good, rewritten(good, h -> h)), "the rewriting itself keeps a snapshot");
    for (LogPosition elsewhere : List.of(new LogPosition(at.seq() + 1, at.epoch(), 0),
        new LogPosition(at.seq(), at.epoch() + 1, 0))) {
      assertThrows(IOException.class,
          () -> target.installSnapshot(new ByteArrayInputStream(good), elsewhere));
      assertArrayEquals(targetBefore, snapshotOf(target), elsewhere.toString());
    }
    assertEquals(3, target.appliedSeq());

    target.installSnapshot(new ByteArrayInputStream(good), at); // and the whole one installs
    assertArrayEquals(good, snapshotOf(target));
  }

  @Test
  void everyTableOfTheSchema_isInSnapshots_orNamedAsNotState_andNoneHasAForeignKey()
      throws Exception {
    List<String> state = StateTables.of(db.entities);
    Set<String> schema = new HashSet<>();
    try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables"
            + " WHERE table_schema = DATABASE()")) {
      while (r.next()) {
        schema.add(r.getString(1));
      }
    }

    for (String table : schema) {
      assertTrue(state.contains(table) ^ StateTables.NOT_STATE.contains(table),
          table + " must be either a state table (an entity's @Table) or in"
              + " StateTables.NOT_STATE, not both");
    }
    assertTrue(schema.containsAll(state), "every state table is in the schema");
    assertTrue(schema.containsAll(StateTables.NOT_STATE), "NOT_STATE names no stale table");
    // SnapshotInstaller deletes and inserts the tables in any order.
    assertEquals(0, db.count("SELECT COUNT(*) FROM information_schema.referential_constraints"
        + " WHERE constraint_schema = DATABASE()"));
    assertFalse(state.isEmpty());
  }

  /**
   * Not a test of speed (no figure is asserted): prints what writing and installing a snapshot of
   * 100,000 messages of 100-byte bodies takes here. {@code QUIPU_MEASURE_SNAPSHOT=1} runs it.
   */
  @Test
  @EnabledIfEnvironmentVariable(named = "QUIPU_MEASURE_SNAPSHOT", matches = "1")
  void measure_aSnapshotOf100kMessages() throws Exception {
    JpaStateStore store = store(0);
    int count = 100_000;
    String body = "x".repeat(100);
    List<String> queues = List.of("q-1", "q-2", "q-3", "q-4");
    List<Change> changes = new ArrayList<>();
    queues.forEach(q -> changes.add(new Change.QueueSaved(new QueueDefinition(q, "alice", PLAIN,
        1))));
    long seq = 1;
    for (int i = 0; i < count; i++) {
      Message m = new Message("00000000-0000-0000-0000-" + String.format("%012d", i),
          queues.get(i % 4), 1_000_000L * (i / 4 + 1), "alice", 1_700_000_000_000L + i,
          1_700_000_000_000L + i, i % 3 == 0 ? 1 : 0, i % 3 == 0 ? "r-" + i : null,
          i % 3 == 0 ? 1_700_000_000_000L + i : null, null, List.of());
      changes.add(new Change.MessageInserted(m, new MessageContent(body, Map.of("k", "v"))));
      if (changes.size() >= 1_000) {
        store.apply(new ArrayList<>(changes), seq++, 1);
        changes.clear();
      }
    }
    store.apply(changes, seq, 1);
    Path file = Files.createTempFile("quipu-snapshot", ".bin");
    try {
      LogPosition at = null;
      for (int round = 1; round <= 3; round++) {
        long t0 = System.nanoTime();
        try (OutputStream out = Files.newOutputStream(file)) {
          at = store.writeSnapshot(out);
        }
        long t1 = System.nanoTime();
        try (InputStream in = Files.newInputStream(file)) {
          store.installSnapshot(in, at); // over the same 100,000 rows: deletes them first
        }
        long t2 = System.nanoTime();
        System.out.printf("snapshot of %,d messages: %,d bytes, written in %d ms, installed over"
            + " the same rows in %d ms%n", count, Files.size(file), (t1 - t0) / 1_000_000,
            (t2 - t1) / 1_000_000);
      }
      db.wipe();
      long t0 = System.nanoTime();
      try (InputStream in = Files.newInputStream(file)) {
        store.installSnapshot(in, at);
      }
      System.out.printf("installed in an empty database in %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
      assertEquals(count, db.count("SELECT COUNT(*) FROM messages"));
    } finally {
      Files.delete(file);
    }
  }

  /**
   * Stores a row of every kind in every state table (leased, dead-lettered and plain messages with
   * headers and histories, null and non-null optional columns) at {@code seq}; returns the ids of
   * the messages stored.
   */
  private static List<String> everyKindOfRow(JpaStateStore store, long seq, long epoch)
      throws Exception {
    Message leased = new Message("m-1", "orders", 1_000_000, "alice", 1_000, 35_000, 1, "r-1",
        5_000L, null, List.of(new MessageEvent(5_000, MessageEvent.Kind.RECEIVED, "bob")));
    Message dead = new Message("m-2", "orders-dlq", 2_000_000, "alice", 1_001, 2_000, 3, null,
        4_000L, "orders",
        List.of(new MessageEvent(6_000, MessageEvent.Kind.DEAD_LETTERED, "orders")));
    Message plain = message("m-3", "orders", 1_000_001);
    Message copy = message("m-4.1", "news/all", 3_000_000);
    store.apply(List.of(
        new Change.UserSaved(new User("alice", "pbkdf2$hash-a", Role.USER, false, 10)),
        new Change.UserSaved(new User("Bob", "pbkdf2$hash-b", Role.ADMIN, true, 11)),
        new Change.SessionSaved(new Session("s-1", "a".repeat(64), "alice", 12, 99_000)),
        new Change.QueueSaved(new QueueDefinition("orders", "alice", WITH_DLQ, 13)),
        new Change.QueueSaved(new QueueDefinition("orders-dlq", "alice", PLAIN, 14)),
        new Change.QueueSaved(new QueueDefinition("news/all", "Bob", PLAIN, 15)),
        new Change.MessageInserted(leased, new MessageContent("héllo ✓ " + "x".repeat(2_000),
            Map.of("trace", "t-1", "lang", "fr"))),
        new Change.MessageInserted(dead, new MessageContent("{}", Map.of())),
        new Change.MessageInserted(plain, new MessageContent("", Map.of("empty", ""))),
        new Change.MessageInserted(copy, new MessageContent("published", Map.of("k", "v"))),
        new Change.TopicSaved(new TopicDefinition("news", "Bob", 16)),
        new Change.SubscriptionSaved(new Subscription("news", "all", "Bob", "#", null, 17)),
        new Change.SubscriptionSaved(
            new Subscription("news", "eu", "alice", "eu.*", "orders", 18)),
        new Change.IdempotencySaved(new IdempotencyRecord("alice", "k-1", "f".repeat(64), 3,
            50_000, new Outcome.MessagesSent(List.of("m-1", "m-3"))))), seq, epoch);
    return List.of("m-1", "m-2", "m-3", "m-4.1");
  }

  private static Message message(String id, String queue, long order) {
    return new Message(id, queue, order, "alice", 1_000 + order, 2_000, 0, null, null, null,
        List.of());
  }

  private static Broker restored(JpaStateStore store) throws Exception {
    Broker broker = new Broker();
    store.restore(broker);
    return broker;
  }

  private static void assertSameRows(Snapshot expected, Snapshot actual) {
    assertEquals(sorted(expected.users()), sorted(actual.users()));
    assertEquals(sorted(expected.sessions()), sorted(actual.sessions()));
    assertEquals(sorted(expected.queues()), sorted(actual.queues()));
    assertEquals(sorted(StreamSupport.stream(expected.messages().spliterator(), false).toList()),
        sorted(StreamSupport.stream(actual.messages().spliterator(), false).toList()));
    assertEquals(sorted(expected.topics()), sorted(actual.topics()));
    assertEquals(sorted(expected.subscriptions()), sorted(actual.subscriptions()));
    assertEquals(sorted(expected.idempotency()), sorted(actual.idempotency()));
  }

  private static <T> List<T> sorted(List<T> values) {
    List<T> copy = new ArrayList<>(values);
    copy.sort((a, b) -> a.toString().compareTo(b.toString()));
    return copy;
  }

  private static byte[] snapshotOf(JpaStateStore store) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.writeSnapshot(out);
    return out.toByteArray();
  }

  /** Where each frame of a snapshot begins. */
  private static List<Integer> frameOffsets(byte[] snapshot) throws IOException {
    List<Integer> offsets = new ArrayList<>();
    ByteArrayInputStream in = new ByteArrayInputStream(snapshot);
    while (in.available() > 0) {
      offsets.add(snapshot.length - in.available());
      SnapshotFrame.parseDelimitedFrom(in);
    }
    return offsets;
  }

  /** {@code snapshot} with its header changed, and its checksum made right again. */
  private static byte[] rewritten(byte[] snapshot, UnaryOperator<SnapshotHeader> change)
      throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(snapshot);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (SnapshotFrame frame; (frame = SnapshotFrame.parseDelimitedFrom(in)) != null; ) {
      if (frame.hasHeader()) {
        frame = frame.toBuilder().setHeader(change.apply(frame.getHeader())).build();
      } else if (frame.hasTrailer()) {
        CRC32C crc = new CRC32C();
        crc.update(out.toByteArray());
        frame = frame.toBuilder()
            .setTrailer(frame.getTrailer().toBuilder().setCrc32C((int) crc.getValue())).build();
      }
      frame.writeDelimitedTo(out);
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  /** Writes to {@code out}, pausing 10 ms per write: a reader slower than the applier. */
  private static OutputStream slow(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (len > 0) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
        }
      }
    };
  }
}
