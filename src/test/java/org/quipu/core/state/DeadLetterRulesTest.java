package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.UpdateQueue;

/**
 * Naming a queue as a dead-letter queue, a redrive's target or a subscription's queue needs the
 * right to send to it; a dead-letter queue cannot be deleted while a queue points at it; cycles are
 * refused; and a dead-lettered message keeps its receive count until a redrive resets it.
 */
class DeadLetterRulesTest {

  private static final long RETENTION = 345_600_000;
  private static final QueueAttributes SHARED = new QueueAttributes(30_000, null, null, RETENTION, null, true);
  private static final QueueAttributes PRIVATE = new QueueAttributes(30_000, null, null, RETENTION, null, false);

  private Broker broker;
  private long seq;
  private final long now = 1_000_000;
  private final List<Change> changes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    broker = new Broker();
    apply(new RegisterUser("alice", "hash-a", Role.USER));
    apply(new RegisterUser("mallory", "hash-m", Role.USER));
    apply(new RegisterUser("root", "hash-r", Role.ADMIN));
    apply(new CreateQueue("alice-private", "alice", PRIVATE));
  }

  private Outcome apply(Command command) {
    return broker.apply(++seq, now, command, changes);
  }

  private static QueueAttributes deadLettersTo(String queue, boolean shared) {
    return new QueueAttributes(0, 1, queue, RETENTION, null, shared);
  }

  private static void assertRejected(BrokerException.Kind kind, Outcome outcome) {
    Outcome.Rejected rejected = assertInstanceOf(Outcome.Rejected.class, outcome);
    assertEquals(kind, rejected.kind(), rejected.detail());
  }

  @Test
  void create_namingAnotherUsersPrivateQueueAsDeadLetterQueue_isForbidden() {
    assertRejected(BrokerException.Kind.FORBIDDEN,
        apply(new CreateQueue("trap", "mallory", deadLettersTo("alice-private", true))));
    assertTrue(broker.queue("trap", now).isEmpty(), "nothing was created");
  }

  @Test
  void update_namingAnotherUsersPrivateQueueAsDeadLetterQueue_isForbidden() {
    apply(new CreateQueue("trap", "mallory", SHARED));
    assertRejected(BrokerException.Kind.FORBIDDEN,
        apply(new UpdateQueue("trap", "mallory", QueuePatch.replacing(deadLettersTo("alice-private", true)))));
    assertEquals(null, broker.queue("trap", now).orElseThrow().definition().attributes().deadLetterQueue());
  }

  @Test
  void deadLetterInjection_cannotWriteIntoAnotherUsersPrivateQueue() {
    apply(new CreateQueue("trap", "mallory", deadLettersTo("alice-private", true)));
    apply(new SendMessages("trap", "mallory", List.of(new SendMessages.NewMessage("m1", "spam", Map.of(), 0))));
    for (int i = 0; i < 3; i++) {
      apply(new ReceiveMessages("trap", "mallory", 1, 0, "n" + i));
    }
    assertEquals(0, broker.queue("alice-private", now).orElseThrow().counters().ready());
  }

  @Test
  void ownerAndAdmin_mayNameAPrivateQueueTheyMaySendTo() {
    assertInstanceOf(Outcome.QueueCreated.class,
        apply(new CreateQueue("alice-q", "alice", deadLettersTo("alice-private", true))));
    assertInstanceOf(Outcome.QueueCreated.class,
        apply(new CreateQueue("root-q", "root", deadLettersTo("alice-private", true))));
  }

  @Test
  void redriveToAnotherUsersPrivateQueue_andSubscriptionIntoIt_areForbiddenByTheSameRule() {
    apply(new CreateQueue("m-dlq", "mallory", SHARED));
    assertRejected(BrokerException.Kind.FORBIDDEN,
        apply(new RedriveMessages("m-dlq", "mallory", "alice-private", 10)));
    apply(new CreateTopic("news", "mallory"));
    assertRejected(BrokerException.Kind.FORBIDDEN,
        apply(new Subscribe("news", "tap", "mallory", "#", "alice-private")));
  }

  @Test
  void delete_ofAQueueThatIsADeadLetterQueue_isAConflictNamingTheQueuesThatPointAtIt_evenForced() {
    apply(new CreateQueue("dlq", "alice", SHARED));
    apply(new CreateQueue("orders", "alice", deadLettersTo("dlq", true)));
    apply(new CreateQueue("invoices", "mallory", deadLettersTo("dlq", true)));

    Outcome outcome = apply(new DeleteQueue("dlq", "alice", true));

    assertRejected(BrokerException.Kind.CONFLICT, outcome);
    String detail = ((Outcome.Rejected) outcome).detail();
    assertTrue(detail.contains("'invoices', 'orders'"), detail);
    assertTrue(broker.queue("dlq", now).isPresent());
  }

  @Test
  void delete_ofAFormerDeadLetterQueue_succeedsOnceNoQueuePointsAtIt() {
    apply(new CreateQueue("dlq", "alice", SHARED));
    apply(new CreateQueue("orders", "alice", deadLettersTo("dlq", true)));
    apply(new UpdateQueue("orders", "alice", QueuePatch.replacing(SHARED)));
    assertInstanceOf(Outcome.Done.class, apply(new DeleteQueue("dlq", "alice", false)));
  }

  @Test
  void deadLetterCycles_areInvalid() {
    apply(new CreateQueue("a", "alice", SHARED));
    apply(new CreateQueue("b", "alice", deadLettersTo("a", true)));
    apply(new CreateQueue("c", "alice", deadLettersTo("b", true)));
    assertRejected(BrokerException.Kind.INVALID, apply(new UpdateQueue("a", "alice", QueuePatch.replacing(deadLettersTo("b", true)))));
    Outcome longer = apply(new UpdateQueue("a", "alice", QueuePatch.replacing(deadLettersTo("c", true))));
    assertRejected(BrokerException.Kind.INVALID, longer);
    assertTrue(((Outcome.Rejected) longer).detail().contains("a -> c -> b -> a"));
    assertRejected(BrokerException.Kind.INVALID, apply(new UpdateQueue("a", "alice", QueuePatch.replacing(deadLettersTo("a", true)))));
    assertEquals(null, broker.queue("a", now).orElseThrow().definition().attributes().deadLetterQueue());
  }

  @Test
  void makingADeadLetterQueuePrivate_whileAnotherUsersQueuePointsAtIt_isAConflict() {
    apply(new CreateQueue("dlq", "alice", SHARED));
    apply(new CreateQueue("m-q", "mallory", deadLettersTo("dlq", true)));
    assertRejected(BrokerException.Kind.CONFLICT, apply(new UpdateQueue("dlq", "alice", QueuePatch.replacing(PRIVATE))));
    assertTrue(broker.queue("dlq", now).orElseThrow().definition().attributes().shared());
  }

  @Test
  void deadLetteredMessage_keepsItsReceiveCount_andARedriveResetsIt() {
    apply(new CreateQueue("dlq", "alice", SHARED));
    apply(new CreateQueue("q", "alice", new QueueAttributes(0, 2, "dlq", RETENTION, null, true)));
    apply(new SendMessages("q", "alice", List.of(new SendMessages.NewMessage("m1", "x", Map.of(), 0))));
    for (int i = 0; i < 3; i++) {
      apply(new ReceiveMessages("q", "alice", 1, 0, "n" + i));
    }
    assertEquals(2, broker.message("dlq", "alice", "m1").orElseThrow().receiveCount());
    apply(new ReceiveMessages("dlq", "alice", 1, 0, "inspected")); // its lease ends at once

    apply(new RedriveMessages("dlq", "alice", null, 10));

    assertEquals(0, broker.message("q", "alice", "m1").orElseThrow().receiveCount());
  }
}
