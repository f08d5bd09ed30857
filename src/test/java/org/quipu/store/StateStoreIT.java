package org.quipu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mysql.cj.jdbc.MysqlDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.StreamSupport;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quipu.core.command.SendMessages;
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
import org.quipu.replication.LogEntry;
import org.quipu.replication.StoreUnavailableException;

/**
 * The state tables through the JPA mapping, on MariaDB, outside Payara: each writer stores the same
 * batches, and reading the tables back gives exactly what was written. Runs on a database of its
 * own ({@code QUIPU_STORE_IT_DB_URL}, made by {@code ./quipu test}), migrated afresh per case.
 * The command log's JDBC table is tested here too, on the same database.
 */
class StateStoreIT {

  private static MysqlDataSource dataSource;
  private static EntityManagerFactory entities;

  private static final QueueAttributes PLAIN =
      new QueueAttributes(30_000, null, null, 345_600_000, null, false);
  private static final QueueAttributes WITH_DLQ =
      new QueueAttributes(5_000, 3, "orders-dlq", 60_000, 1_000, true);

  @BeforeAll
  static void connect() {
    dataSource = new MysqlDataSource();
    dataSource.setURL(required("QUIPU_STORE_IT_DB_URL"));
    dataSource.setUser(required("QUIPU_DB_USER"));
    dataSource.setPassword(required("QUIPU_DB_PASSWORD"));
    entities = StateEntities.open(dataSource);
  }

  @AfterAll
  static void close() {
    if (entities != null) {
      entities.close();
    }
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set: run this through ./quipu test");
    }
    return value;
  }

  private static JpaStateStore freshStore(StateWriter writer, long cacheBytes) {
    Flyway flyway = Flyway.configure().dataSource(dataSource).cleanDisabled(false)
        .locations("classpath:db/migration").load();
    flyway.clean();
    flyway.migrate();
    MessageContents contents =
        new MessageContents(entities, cacheBytes, Executors.newSingleThreadExecutor());
    return opened.add(new JpaStateStore(entities, dataSource, contents, writer));
  }

  private static final OpenedStores opened = new OpenedStores();

  @AfterEach
  void closeStores() {
    opened.closeAll();
  }

  private static Message message(String id, String queue, long order) {
    return new Message(id, queue, order, "alice", 1_000 + order, 2_000, 0, null, null, null,
        List.of());
  }

  @ParameterizedTest
  @EnumSource(StateWriter.class)
  void whatEachWriterStores_isReadBackExactly(StateWriter writer) throws Exception {
    JpaStateStore store = freshStore(writer, 0);
    User alice = new User("alice", "pbkdf2$hash-a", Role.USER, false, 10);
    User bob = new User("Bob", "pbkdf2$hash-b", Role.ADMIN, false, 11);
    Session session = new Session("s-1", "a".repeat(64), "alice", 12, 99_000);
    QueueDefinition orders = new QueueDefinition("orders", "alice", WITH_DLQ, 13);
    QueueDefinition dlq = new QueueDefinition("orders-dlq", "alice", PLAIN, 14);
    QueueDefinition doomed = new QueueDefinition("doomed", "bob", PLAIN, 15);
    Message m1 = message("m-1", "orders", 1_000_000);
    Message m2 = message("m-2", "orders", 1_000_001);
    Message m3 = message("m-3", "orders", 1_000_002);
    Message gone = message("m-4", "doomed", 1_000_003);
    MessageContent c1 = new MessageContent("héllo ✓ " + "x".repeat(2_000),
        Map.of("trace", "t-1", "lang", "fr"));
    MessageContent plain = new MessageContent("{}", Map.of());
    TopicDefinition topic = new TopicDefinition("news", "bob", 16);
    Subscription own = new Subscription("news", "all", "bob", "#", null, 17);
    Subscription into = new Subscription("news", "eu", "alice", "eu.*", "orders", 18);
    IdempotencyRecord keyed = new IdempotencyRecord("alice", "k-1", "f".repeat(64), 3, 50_000,
        new Outcome.MessagesSent(List.of("m-1", "m-2")));

    store.apply(List.of(
        new Change.UserSaved(alice), new Change.UserSaved(bob), new Change.SessionSaved(session),
        new Change.QueueSaved(dlq), new Change.QueueSaved(orders), new Change.QueueSaved(doomed),
        new Change.MessageInserted(m1, c1), new Change.MessageInserted(m2, plain),
        new Change.MessageInserted(m3, plain), new Change.MessageInserted(gone, plain),
        new Change.TopicSaved(topic), new Change.SubscriptionSaved(own),
        new Change.SubscriptionSaved(into), new Change.IdempotencySaved(keyed)), 1, 7);

    // A delivery, a move to the dead-letter queue, an ack, a deleted queue, a user deleted and
    // registered again in one batch, a revoked session, an updated definition.
    Message delivered = new Message("m-1", "orders", 1_000_000, "alice", 1_000_000 + 1_000,
        35_000, 1, "r-1", 5_000L, null,
        List.of(new MessageEvent(5_000, MessageEvent.Kind.RECEIVED, "bob")));
    Message deadLettered = new Message("m-2", "orders-dlq", 2_000_000, "alice", 1_000_001 + 1_000,
        2_000, 3, null, 4_000L, "orders",
        List.of(new MessageEvent(6_000, MessageEvent.Kind.DEAD_LETTERED, "orders")));
    User bobAgain = new User("Bob", "pbkdf2$hash-c", Role.USER, true, 20);
    // Sent and received in one batch: the update must keep the content the insert carries.
    Message quick = message("m-5", "orders", 1_000_004);
    Message quickDelivered = new Message("m-5", "orders", 1_000_004, "alice", 1_000_004 + 1_000,
        40_000, 1, "r-5", 7_000L, null,
        List.of(new MessageEvent(7_000, MessageEvent.Kind.RECEIVED, "carol")));
    QueueDefinition ordersChanged = new QueueDefinition("orders", "alice", PLAIN, 13);
    store.apply(List.of(
        new Change.MessageUpdated(delivered), new Change.MessageUpdated(deadLettered),
        new Change.MessageInserted(quick, c1), new Change.MessageUpdated(quickDelivered),
        new Change.MessageDeleted("m-3"), new Change.MessagesDropped("doomed", 1_000_004),
        new Change.QueueDeleted("doomed"),
        new Change.UserDeleted("Bob"), new Change.UserSaved(bobAgain),
        new Change.SessionDeleted("s-1"), new Change.QueueSaved(ordersChanged),
        new Change.SubscriptionDeleted("news", "all"), new Change.IdempotencyDeleted("x", "none")),
        2, 8);

    JpaStateStore.Stored stored = store.read();
    assertEquals(2, stored.appliedSeq());
    assertEquals(2, store.appliedSeq());
    Snapshot s = stored.snapshot();
    assertEquals(sorted(List.of(alice, bobAgain)), sorted(s.users()));
    assertEquals(List.of(), s.sessions());
    assertEquals(sorted(List.of(dlq, ordersChanged)), sorted(s.queues()));
    assertEquals(sorted(List.of(delivered, deadLettered, quickDelivered)),
        sorted(StreamSupport.stream(s.messages().spliterator(), false).toList()));
    assertEquals(List.of(topic), s.topics());
    assertEquals(List.of(into), s.subscriptions());
    assertEquals(List.of(keyed), s.idempotency());

    // The deleted queue's message row stays until the pass over dropped messages deletes it.
    assertEquals(1, new DroppedMessages(dataSource, Duration.ZERO, null).pass());
    // An update never touches the content: the body and headers are those of the insert.
    MessageContents contents =
        new MessageContents(entities, 0, Executors.newSingleThreadExecutor());
    assertEquals(Map.of("m-1", c1, "m-2", plain, "m-5", c1),
        contents.now(List.of("m-1", "m-2", "m-3", "m-4", "m-5")));
    assertEquals(java.util.Set.of("m-1", "m-5"),
        contents.matching("orders", c -> c.headers().containsKey("trace")));
  }

  @ParameterizedTest
  @EnumSource(StateWriter.class)
  void aDeletedQueuesMessages_areNeverReadAgain_andThePassDeletesThemInSlices(StateWriter writer)
      throws Exception {
    JpaStateStore store = freshStore(writer, 0);
    QueueDefinition doomed = new QueueDefinition("doomed", "alice", PLAIN, 1);
    int count = 2 * DroppedMessages.SLICE + 500; // three slices
    List<Change> changes = new ArrayList<>();
    changes.add(new Change.QueueSaved(doomed));
    for (int i = 0; i < count; i++) {
      changes.add(new Change.MessageInserted(message("old-" + i, "doomed", 10_000L + i),
          new MessageContent("old " + i, Map.of())));
    }
    store.apply(changes, 1, 1);
    long bound = 10_000L + count;
    store.apply(List.of(new Change.MessagesDropped("doomed", bound),
        new Change.QueueDeleted("doomed")), 2, 1);
    assertEquals(count, rows("SELECT COUNT(*) FROM messages"), "the delete left the rows");

    // Created again under the name, with a message above the bound, then deleted and created once
    // more before any pass: the second delete replaces the bound with its own.
    store.apply(List.of(new Change.QueueSaved(doomed), new Change.MessageInserted(
        message("mid", "doomed", 20_000), new MessageContent("mid", Map.of()))), 3, 1);
    store.apply(List.of(new Change.MessagesDropped("doomed", 20_001),
        new Change.QueueDeleted("doomed")), 4, 1);
    store.apply(List.of(new Change.QueueSaved(doomed), new Change.MessageInserted(
        message("new", "doomed", 30_000), new MessageContent("new", Map.of()))), 5, 1);
    assertEquals(20_001, rows("SELECT below_order_key FROM dropped_messages"));

    List<Message> restored = restored(store);
    assertEquals(List.of("new"), restored.stream().map(Message::id).toList());
    MessageContents contents =
        new MessageContents(entities, 0, Executors.newSingleThreadExecutor());
    assertEquals(java.util.Set.of("new"), contents.matching("doomed", c -> true));

    DroppedMessages pass = new DroppedMessages(dataSource, Duration.ZERO, null);
    assertEquals(0, pass.queuesLeft(), "before its first pass");
    assertEquals(count + 1, pass.pass());
    assertEquals(0, pass.queuesLeft());
    assertEquals(1, rows("SELECT COUNT(*) FROM messages"));
    assertEquals(0, rows("SELECT COUNT(*) FROM dropped_messages"));
    assertEquals(0, new DroppedMessages(dataSource, Duration.ZERO, null).pass());
    assertEquals(List.of("new"), restored(store).stream()
        .map(Message::id).toList());
  }

  @ParameterizedTest
  @EnumSource(StateWriter.class)
  void aPurgedQueuesRows_stayBelowItsBound_whileTheKeptMessageMovesAboveIt(StateWriter writer)
      throws Exception {
    JpaStateStore store = freshStore(writer, 0);
    List<Change> changes = new ArrayList<>();
    changes.add(new Change.QueueSaved(new QueueDefinition("q", "alice", PLAIN, 1)));
    for (int i = 0; i < 5; i++) {
      changes.add(new Change.MessageInserted(message("m-" + i, "q", 100 + i),
          new MessageContent("body " + i, Map.of("n", "" + i))));
    }
    store.apply(changes, 1, 1);
    // m-1 is in flight: the purge keeps it, at a position of its own seq above the bound.
    Message kept = new Message("m-1", "q", 3_000_000, "alice", 1_101, 90_000, 1, "r-1", 5_000L,
        null, List.of(new MessageEvent(5_000, MessageEvent.Kind.RECEIVED, "bob")));
    store.apply(List.of(new Change.MessagesDropped("q", 105), new Change.MessageUpdated(kept)),
        3, 1);

    assertEquals(List.of(kept), restored(store));
    MessageContents contents =
        new MessageContents(entities, 0, Executors.newSingleThreadExecutor());
    assertEquals(java.util.Set.of("m-1"), contents.matching("q", c -> true));

    assertEquals(4, new DroppedMessages(dataSource, Duration.ZERO, null).pass());
    assertEquals(1, rows("SELECT COUNT(*) FROM messages"));
    assertEquals(Map.of("m-1", new MessageContent("body 1", Map.of("n", "1"))),
        contents.now(List.of("m-1")), "moved with its content");
    assertEquals(List.of(kept), restored(store));
  }

  /** The messages a restart would restore from the store, in order. */
  private static List<Message> restored(JpaStateStore store) throws Exception {
    return StreamSupport.stream(store.read().snapshot().messages().spliterator(), false).toList();
  }

  private static long rows(String sql) throws java.sql.SQLException {
    try (var c = dataSource.getConnection(); var s = c.prepareStatement(sql);
        var r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  @ParameterizedTest
  @EnumSource(StateWriter.class)
  void aQueueOfManyMessages_isRestoredInFifoOrder_acrossPages(StateWriter writer)
      throws Exception {
    JpaStateStore store = freshStore(writer, 0);
    List<Change> changes = new ArrayList<>();
    changes.add(new Change.QueueSaved(new QueueDefinition("big", "alice", PLAIN, 1)));
    int count = 25_000; // more than two restore pages
    for (int i = count - 1; i >= 0; i--) { // written in reverse: the order comes from the table
      changes.add(new Change.MessageInserted(message("b-" + i, "big", 1_000_000L + i),
          new MessageContent("body " + i, Map.of())));
    }
    store.apply(changes, 1, 1);

    List<Message> restored = restored(store);
    assertEquals(count, restored.size());
    for (int i = 0; i < count; i++) {
      assertEquals("b-" + i, restored.get(i).id());
    }
    assertTrue(restored.stream().allMatch(m -> m.queue() == restored.get(0).queue()),
        "one queue name string shared by all its messages");
  }

  @ParameterizedTest
  @EnumSource(StateWriter.class)
  void runsOfInsertsOfAnyLength_storeEveryBodyAsSent_andOneThatFailsPartWayLeavesNothing(
      StateWriter writer) throws Exception {
    JpaStateStore store = freshStore(writer, 0);
    store.apply(List.of(new Change.QueueSaved(new QueueDefinition("q", "alice", PLAIN, 1))), 1, 1);
    // Bodies a text protocol would have to escape, in runs of 1 (a client-side batch), 64 (one
    // full server-side insert), 70 (64, then 6 in a client-side batch) and 150 (64 + 64 + 22),
    // each run ended by a write of another kind.
    String awkward = "quote ' double \" back \\ nul \0 newline \n emoji \uD83D\uDE00 ";
    Map<String, MessageContent> sent = new java.util.HashMap<>();
    List<Change> changes = new ArrayList<>();
    int order = 0;
    for (int run : new int[] {1, 64, 70, 150}) {
      for (int i = 0; i < run; i++, order++) {
        MessageContent content = new MessageContent(awkward + order, Map.of("n", "" + order));
        sent.put("r-" + order, content);
        changes.add(new Change.MessageInserted(message("r-" + order, "q", order), content));
      }
      changes.add(new Change.QueueSaved(new QueueDefinition("q", "alice", PLAIN, 1)));
    }
    store.apply(changes, 2, 1);
    MessageContents contents =
        new MessageContents(entities, 0, Executors.newSingleThreadExecutor());
    assertEquals(sent, contents.now(List.copyOf(sent.keySet())));

    // The 100th insert of a run of 150 repeats a stored id: the rows of the insert sent before
    // it (the first 64) must not stay.
    List<Change> clashing = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      String id = i == 99 ? "r-0" : "c-" + i;
      clashing.add(new Change.MessageInserted(message(id, "q", 10_000 + i),
          new MessageContent("c", Map.of())));
    }
    assertThrows(StoreUnavailableException.class, () -> store.apply(clashing, 3, 1));
    assertEquals(2, store.appliedSeq());
    assertEquals(sent.size(), StreamSupport.stream(
        store.read().snapshot().messages().spliterator(), false).count());

    // The store goes on after the failure (the JDBC writer on a fresh connection, its statements
    // prepared again), with runs of the lengths it had prepared before: 64 + 6, then 1.
    List<Change> after = new ArrayList<>();
    for (int i = 0; i < 71; i++, order++) {
      MessageContent content = new MessageContent(awkward + order, Map.of());
      sent.put("r-" + order, content);
      after.add(new Change.MessageInserted(message("r-" + order, "q", order), content));
      if (i == 69) {
        after.add(new Change.QueueSaved(new QueueDefinition("q", "alice", PLAIN, 1)));
      }
    }
    store.apply(after, 3, 1);
    assertEquals(3, store.appliedSeq());
    assertEquals(sent, contents.now(List.copyOf(sent.keySet())));
    // and nothing of the failed apply came back with it
    assertEquals(sent.size(), StreamSupport.stream(
        store.read().snapshot().messages().spliterator(), false).count());
  }

  @Test
  void theCommandLog_appendsBatchesOfAnySize_inOrder_andAFailedBatchLeavesNothing()
      throws Exception {
    freshStore(StateWriter.JDBC, 0); // a migrated, empty database
    JdbcCommandLog log = new JdbcCommandLog(dataSource);
    try {
      // 1, then 64 (one full insert), then 150 (64 + 64 + 22): every row count a batch splits into.
      log.append(entries(1, 1));
      log.append(entries(2, JdbcCommandLog.ROWS_PER_INSERT));
      log.append(entries(2 + JdbcCommandLog.ROWS_PER_INSERT, 150));
      long last = 1 + JdbcCommandLog.ROWS_PER_INSERT + 150;
      assertEquals(last, log.lastSeq());

      // A batch whose last row repeats a stored seq fails whole: its first 70 rows are not kept.
      List<LogEntry> clashing = new ArrayList<>(entries(last + 1, 70));
      clashing.add(entries(last, 1).get(0));
      assertThrows(StoreUnavailableException.class, () -> log.append(clashing));
      assertEquals(last, log.lastSeq());
      log.append(entries(last + 1, 3)); // and the log goes on after the failure
      last += 3;

      List<LogEntry> read = new ArrayList<>();
      for (List<LogEntry> page = log.entriesAfter(0, 100); !page.isEmpty();
          page = log.entriesAfter(read.get(read.size() - 1).seq(), 100)) {
        read.addAll(page);
      }
      assertEquals(entries(1, (int) last), read);
    } finally {
      log.close();
    }
  }

  /** {@code count} entries from {@code firstSeq} on, each a send of one message named by its seq. */
  private static List<LogEntry> entries(long firstSeq, int count) {
    List<LogEntry> entries = new ArrayList<>();
    for (long seq = firstSeq; seq < firstSeq + count; seq++) {
      entries.add(new LogEntry(seq, 3, 1_700_000_000_000L + seq, new SendMessages("q", "alice",
          List.of(new SendMessages.NewMessage("m-" + seq, "body " + seq, Map.of("n", "" + seq),
              0)))));
    }
    return entries;
  }

  private static <T> List<T> sorted(List<T> values) {
    List<T> copy = new ArrayList<>(values);
    copy.sort((a, b) -> a.toString().compareTo(b.toString()));
    return copy;
  }
}
