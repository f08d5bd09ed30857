package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;

class BrokerTest {

  private static final QueueAttributes DEFAULTS =
      new QueueAttributes(30_000, null, null, 345_600_000, null, true);

  private Broker broker;
  private long seq;
  private long now;
  private List<Change> changes;

  @BeforeEach
  void setUp() {
    broker = new Broker();
    seq = 0;
    now = 1_000_000;
    changes = new ArrayList<>();
    apply(new RegisterUser("alice", "hash-a", Role.USER));
    apply(new RegisterUser("bob", "hash-b", Role.USER));
    apply(new RegisterUser("root", "hash-r", Role.ADMIN));
  }

  private Outcome apply(Command command) {
    return broker.apply(++seq, now, command, changes);
  }

  private static SendMessages.NewMessage msg(String id, String body) {
    return new SendMessages.NewMessage(id, body, Map.of(), 0);
  }

  private List<Message> receive(String queue, String actor, int max, long visibility) {
    var outcome = apply(new ReceiveMessages(queue, actor, max, visibility, "nonce" + seq));
    return ((Outcome.MessagesReceived) outcome).messages();
  }

  @Test
  void history_recordsEachDelivery_theMoveToTheDeadLetterQueue_andTheMoveBack() {
    apply(new CreateQueue("dlq", "alice", DEFAULTS));
    apply(new CreateQueue("q", "alice", new QueueAttributes(0, 2, "dlq", 345_600_000, null, true)));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "body"))));
    now += 10;
    receive("q", "bob", 1, 0);
    now += 10;
    receive("q", "alice", 1, 0);
    now += 10;
    assertEquals(List.of(), receive("q", "bob", 1, 0), "the third attempt dead-letters it");
    now += 10;
    apply(new org.quipu.core.command.RedriveMessages("dlq", "alice", null, 10));

    Message m = broker.message("q", "alice", "m1").orElseThrow();
    assertEquals(List.of(
        new MessageEvent(1_000_010, MessageEvent.Kind.RECEIVED, "bob"),
        new MessageEvent(1_000_020, MessageEvent.Kind.RECEIVED, "alice"),
        new MessageEvent(1_000_030, MessageEvent.Kind.DEAD_LETTERED, "q"),
        new MessageEvent(1_000_040, MessageEvent.Kind.REDRIVEN, "q")), m.history());
    assertEquals("q", m.deadLetteredFrom(), "the marker of where it was stays");
  }

  @Test
  void history_keepsOnlyTheLatestEvents() {
    apply(new CreateQueue("q", "alice", DEFAULTS));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "body"))));
    for (int i = 0; i < MessageEvent.KEPT + 5; i++) {
      now += 1;
      assertEquals(1, receive("q", "bob", 1, 0).size());
    }
    List<MessageEvent> history = broker.message("q", "alice", "m1").orElseThrow().history();
    assertEquals(MessageEvent.KEPT, history.size());
    assertEquals(now, history.get(history.size() - 1).atMillis());
    assertEquals(MessageEvent.KEPT + 5, broker.message("q", "alice", "m1").orElseThrow().receiveCount());
  }

  @Test
  void deleteUser_whoStillOwnsAQueue_isRefused_soTheNameCannotInheritIt() {
    apply(new CreateQueue("q", "alice", DEFAULTS));
    changes.clear();
    var refused = (Outcome.Rejected) apply(new org.quipu.core.command.DeleteUser("alice", "root"));
    assertEquals(BrokerException.Kind.CONFLICT, refused.kind());
    assertTrue(refused.detail().contains("still owns 1 queues"), refused.detail());
    assertEquals(List.of(), changes);
    apply(new DeleteQueue("q", "alice", false));
    assertInstanceOf(Outcome.Done.class, apply(new org.quipu.core.command.DeleteUser("alice", "root")));
  }

  @Test
  void registerUser_nameTaken_isRejectedAsConflictAndChangesNothing() {
    changes.clear();
    var outcome = apply(new RegisterUser("alice", "other", Role.ADMIN));
    assertEquals(BrokerException.Kind.CONFLICT, ((Outcome.Rejected) outcome).kind());
    assertEquals(List.of(), changes);
    assertEquals("hash-a", broker.user("alice").orElseThrow().passwordHash());
  }

  @Test
  void openSession_thenClose_tokenIsForgotten() {
    apply(new OpenSession("s1", "tokenhash", "alice", now + 60_000));
    assertEquals("alice", broker.sessionByTokenHash("tokenhash").orElseThrow().username());
    apply(new CloseSession("s1"));
    assertTrue(broker.sessionByTokenHash("tokenhash").isEmpty());
    assertInstanceOf(Outcome.Rejected.class, apply(new CloseSession("s1")));
  }

  @Test
  void createQueue_sameOwnerSameAttributes_isIdempotent_otherwiseConflict() {
    var first = (Outcome.QueueCreated) apply(new CreateQueue("q", "alice", DEFAULTS));
    assertTrue(first.created());
    var again = (Outcome.QueueCreated) apply(new CreateQueue("q", "alice", DEFAULTS));
    assertEquals(false, again.created());
    assertEquals(BrokerException.Kind.CONFLICT,
        ((Outcome.Rejected) apply(new CreateQueue("q", "bob", DEFAULTS))).kind());
  }

  @Test
  void receive_deliversInFifoOrder_andLeasesEachMessageOnce() {
    apply(new CreateQueue("q", "alice", DEFAULTS));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "a"), msg("m2", "b"))));
    apply(new SendMessages("q", "bob", List.of(msg("m3", "c"))));

    List<Message> first = receive("q", "bob", 2, -1);
    List<Message> second = receive("q", "bob", 10, -1);

    assertEquals(List.of("m1", "m2"), first.stream().map(Message::id).toList());
    assertEquals(List.of("m3"), second.stream().map(Message::id).toList());
    assertEquals("bob", second.get(0).sender());
    assertEquals(List.of(), receive("q", "bob", 10, -1));
  }

  @Test
  void lease_expires_messageIsDeliveredAgainWithNewReceipt_oldReceiptIsStale() {
    apply(new CreateQueue("q", "alice", DEFAULTS));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "a"))));
    Message first = receive("q", "alice", 1, 5_000).get(0);
    now += 4_999;
    assertEquals(List.of(), receive("q", "alice", 1, 5_000));
    now += 1;
    Message second = receive("q", "alice", 1, 5_000).get(0);

    assertEquals(2, second.receiveCount());
    assertNotEquals(first.receipt(), second.receipt());
    var stale = (Outcome.MessagesAcked) apply(new AckMessages("q", "alice", List.of(first.receipt())));
    assertEquals(0, stale.acked());
    var acked = (Outcome.MessagesAcked) apply(new AckMessages("q", "alice", List.of(second.receipt())));
    assertEquals(1, acked.acked());
    now += 10_000;
    assertEquals(List.of(), receive("q", "alice", 1, 5_000));
  }

  @Test
  void delayedMessage_isInvisibleUntilItsDelayPasses() {
    apply(new CreateQueue("q", "alice", DEFAULTS));
    apply(new SendMessages("q", "alice", List.of(new SendMessages.NewMessage("m1", "x", Map.of(), 2_000))));
    assertEquals(1, broker.queue("q", now).orElseThrow().counters().delayed());
    assertEquals(List.of(), receive("q", "alice", 1, -1));
    now += 2_000;
    assertEquals(1, receive("q", "alice", 1, -1).size());
  }

  @Test
  void messagePastMaxReceiveCount_movesToDeadLetterQueueOnNextDelivery() {
    apply(new CreateQueue("dlq", "alice", DEFAULTS));
    apply(new CreateQueue("q", "alice", new QueueAttributes(1_000, 2, "dlq", 345_600_000, null, true)));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "poison"))));
    receive("q", "alice", 1, 0);
    receive("q", "alice", 1, 0);
    assertEquals(List.of(), receive("q", "alice", 1, 0));
    Message dead = receive("dlq", "alice", 1, -1).get(0);
    assertEquals("m1", dead.id());
    assertEquals("q", dead.deadLetteredFrom());
    assertEquals(3, dead.receiveCount(), "it keeps its two receives (as SQS does), plus this one");
  }

  @Test
  void retention_dropsMessagesOlderThanTheQueueKeepsThem() {
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "old"))));
    now += 60_000;
    apply(new SendMessages("q", "alice", List.of(msg("m2", "new"))));
    assertEquals(List.of("m2"), receive("q", "alice", 10, -1).stream().map(Message::id).toList());
  }

  @Test
  void send_toFullQueue_isRejectedAndStoresNothing() {
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 345_600_000, 2, true)));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "a"))));
    var outcome = apply(new SendMessages("q", "alice", List.of(msg("m2", "b"), msg("m3", "c"))));
    assertEquals(BrokerException.Kind.CONFLICT, ((Outcome.Rejected) outcome).kind());
    assertEquals(1, broker.queue("q", now).orElseThrow().counters().ready());
  }

  @Test
  void privateQueue_otherUsersAreForbidden_ownerAndAdminAreNot() {
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 345_600_000, null, false)));
    var outcome = apply(new SendMessages("q", "bob", List.of(msg("m1", "a"))));
    assertEquals(BrokerException.Kind.FORBIDDEN, ((Outcome.Rejected) outcome).kind());
    assertInstanceOf(Outcome.MessagesSent.class, apply(new SendMessages("q", "alice", List.of(msg("m2", "a")))));
    assertInstanceOf(Outcome.MessagesSent.class, apply(new SendMessages("q", "root", List.of(msg("m3", "a")))));
  }

  @Test
  void deleteQueue_withPendingMessages_needsForce_andOnlyOwnerOrAdmin() {
    apply(new CreateQueue("q", "alice", DEFAULTS));
    apply(new SendMessages("q", "alice", List.of(msg("m1", "a"))));
    assertEquals(BrokerException.Kind.FORBIDDEN,
        ((Outcome.Rejected) apply(new DeleteQueue("q", "bob", true))).kind());
    assertEquals(BrokerException.Kind.CONFLICT,
        ((Outcome.Rejected) apply(new DeleteQueue("q", "alice", false))).kind());
    assertInstanceOf(Outcome.Done.class, apply(new DeleteQueue("q", "root", true)));
    assertTrue(broker.queue("q", now).isEmpty());
  }

  @Test
  void queues_pagesByNameWithPrefix() {
    for (String name : List.of("a1", "b1", "b2", "b3", "c1")) {
      apply(new CreateQueue(name, "alice", DEFAULTS));
    }
    assertEquals(List.of("b1", "b2"), names(broker.queues("b", null, 2, now, "root")));
    assertEquals(List.of("b3"), names(broker.queues("b", "b2", 2, now, "root")));
    assertEquals(List.of("a1", "b1", "b2", "b3", "c1"), names(broker.queues(null, null, 10, now, "root")));
  }

  private static List<String> names(List<QueueView> views) {
    return views.stream().map(v -> v.definition().name()).toList();
  }

  @Test
  void dropExpired_removesMessagesPastRetention_evenInIdleQueues_andExpiredSessions() {
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));
    apply(new SendMessages("q", "alice", List.of(msg("old", "a"))));
    apply(new OpenSession("s1", "hash1", "alice", now + 30_000));
    now += 30_000;
    apply(new SendMessages("q", "alice", List.of(msg("young", "b"))));
    assertTrue(broker.hasExpired(now));
    apply(new org.quipu.core.command.DropExpired());
    assertTrue(broker.sessionByTokenHash("hash1").isEmpty());
    assertEquals(2, broker.queue("q", now).orElseThrow().counters().ready());
    now += 30_000;
    apply(new org.quipu.core.command.DropExpired());
    assertEquals(1, broker.queue("q", now).orElseThrow().counters().ready());
    assertEquals(false, broker.hasExpired(now));
  }

  /**
   * Expired messages below every message a queue keeps go with one bound ({@link
   * Change.MessagesDropped}), their rows left to the store's background pass: deleting them one
   * row at a time in the apply held every write for seconds. One moved in with its old send time,
   * above a message kept, is deleted by its row, and the bound stays below the kept one. Breaks if
   * the sweep deletes row by row, or if its bound covers a message kept.
   */
  @Test
  void expiredMessages_goWithOneBoundBelowEveryKeptMessage_andAMovedOneByItsRow() {
    apply(new CreateQueue("a", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));
    apply(new CreateQueue("b", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));
    apply(new CreateQueue("src", "alice", new QueueAttributes(1_000, 1, "b", 345_600_000, null, true)));
    apply(new SendMessages("a", "alice", List.of(msg("a1", "x"), msg("a2", "x"), msg("a3", "x"))));
    apply(new SendMessages("src", "alice", List.of(msg("e", "x")))); // moves to b later, old
    now += 50_000;
    apply(new SendMessages("a", "alice", List.of(msg("a4", "young"))));
    apply(new SendMessages("b", "alice", List.of(msg("k", "young"))));
    receive("src", "alice", 1, 1_000); // its one delivery
    now += 2_000;
    assertEquals(List.of(), receive("src", "alice", 1, 1_000)); // its next attempt moves it to b
    long a3 = broker.message("a", "alice", "a3").orElseThrow().order();
    long k = broker.message("b", "alice", "k").orElseThrow().order();
    assertTrue(broker.message("b", "alice", "e").orElseThrow().order() > k);
    now += 10_000; // a1..a3 and e are past their 60 s; a4 and k are not

    changes.clear();
    assertEquals(new Outcome.Purged(4), apply(new org.quipu.core.command.DropExpired()));

    assertEquals(List.of(new Change.MessagesDropped("a", a3 + 1), new Change.MessageDeleted("e")),
        changes);
    assertEquals(1, broker.queue("a", now).orElseThrow().counters().ready());
    assertEquals(1, broker.queue("b", now).orElseThrow().counters().ready());
    assertEquals(false, broker.hasExpired(now));
  }

  /**
   * A receive that meets expired messages at the head of its queue deletes each by its row in its
   * apply: at most {@link Broker#EXPIRED_PER_RECEIVE}, then it answers what it has and leaves the
   * rest to the sweep. Breaks without the cap.
   */
  @Test
  void aReceive_dropsAtMostTheCapOfExpiredMessages() {
    apply(new CreateQueue("b", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));
    int cap = Broker.EXPIRED_PER_RECEIVE;
    List<SendMessages.NewMessage> batch = new ArrayList<>();
    for (int i = 0; i < cap + 1; i++) {
      batch.add(msg("c" + i, "x"));
    }
    apply(new SendMessages("b", "alice", batch));
    now += 60_000;
    apply(new SendMessages("b", "alice", List.of(msg("last", "z"))));

    changes.clear();
    assertEquals(List.of(), receive("b", "alice", 1, 30_000));
    assertEquals(cap, changes.size(), "one row delete per expired message: " + changes.size());
    List<Message> next = receive("b", "alice", 1, 30_000);
    assertEquals(1, next.size(), "the next receive drops the last expired one, then delivers");
    assertEquals("last", next.get(0).id());
  }

  @Test
  void privateQueue_isHiddenFromOtherUsersInListsAndReads_butNotFromAdmins() {
    apply(new CreateQueue("mine", "alice", new QueueAttributes(30_000, null, null, 345_600_000, null, false)));
    apply(new CreateQueue("ours", "alice", DEFAULTS));
    assertEquals(List.of("ours"), names(broker.queues(null, null, 10, now, "bob")));
    assertEquals(List.of("mine", "ours"), names(broker.queues(null, null, 10, now, "alice")));
    assertEquals(List.of("mine", "ours"), names(broker.queues(null, null, 10, now, "root")));
    var refused = org.junit.jupiter.api.Assertions.assertThrows(BrokerException.class,
        () -> broker.queueFor("mine", "bob", now));
    assertEquals(BrokerException.Kind.FORBIDDEN, refused.kind());
  }
}
