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
import org.quipu.core.command.Publish;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.Unsubscribe;

/**
 * A deleted or purged queue's change carries the bound below which the store's rows of that name
 * are dropped messages (the store deletes them later, off the apply): above every message it
 * held, below every message the queue of that name holds afterwards — the in-flight messages a
 * purge keeps move above it.
 */
class DroppedMessageBoundsTest {

  private static final QueueAttributes PLAIN =
      new QueueAttributes(30_000, null, null, 345_600_000, null, false);

  private final Broker broker = new Broker();
  private final List<Change> changes = new ArrayList<>();
  private long seq;
  private final long now = 1_000_000;

  @BeforeEach
  void setUp() {
    apply(new RegisterUser("alice", "hash-a", Role.USER));
  }

  private Outcome apply(Command command) {
    changes.clear();
    return broker.apply(++seq, now, command, changes);
  }

  private void send(String queue, String... ids) {
    List<SendMessages.NewMessage> messages = new ArrayList<>();
    for (String id : ids) {
      messages.add(new SendMessages.NewMessage(id, "body", Map.of(), 0));
    }
    apply(new SendMessages(queue, "alice", messages));
  }

  private long orderOf(String queue, String id) {
    return broker.message(queue, "alice", id).orElseThrow().order();
  }

  /** The changes of the last command that concern queues and their messages as a whole. */
  private List<Change> queueChanges() {
    return changes.stream().filter(ch -> ch instanceof Change.QueueDeleted
        || ch instanceof Change.MessagesDropped).toList();
  }

  @Test
  void anEmptyQueue_leavesNoMessagesBehind() {
    apply(new CreateQueue("q", "alice", PLAIN));
    assertInstanceOf(Outcome.Done.class, apply(new DeleteQueue("q", "alice", false)));
    assertEquals(List.of(new Change.QueueDeleted("q")), queueChanges(), "no messages dropped");
  }

  @Test
  void theBound_isAboveEveryMessageHeld_andBelowEveryMessageOfTheNameAfterwards() {
    apply(new CreateQueue("q", "alice", PLAIN));
    send("q", "a", "b", "c");
    send("q", "d");
    // "a" received and released: it waits by visibility, no longer first in FIFO order.
    var received = (Outcome.MessagesReceived) apply(new ReceiveMessages("q", "alice", 1, -1, "n"));
    apply(new ReleaseMessage("q", "alice", received.messages().get(0).receipt(), 0));
    long highest = orderOf("q", "d");

    apply(new DeleteQueue("q", "alice", true));
    Change.MessagesDropped gone = new Change.MessagesDropped("q", highest + 1);
    assertEquals(List.of(gone, new Change.QueueDeleted("q")), queueChanges());

    apply(new CreateQueue("q", "alice", PLAIN));
    send("q", "e");
    assertTrue(orderOf("q", "e") >= gone.messagesBelow(), "the new queue's messages lie above");
  }

  @Test
  void aSubscriptionsOwnQueue_carriesItsBoundWhenUnsubscribed() {
    apply(new CreateTopic("t", "alice"));
    apply(new Subscribe("t", "s", "alice", "#", null));
    apply(new Publish("t", "alice", "p1", "body", "x", Map.of()));
    long order = broker.browse("t/s", "alice", m -> true, 10).get(0).order();

    apply(new Unsubscribe("t", "s", "alice"));
    assertEquals(List.of(new Change.MessagesDropped("t/s", order + 1),
        new Change.QueueDeleted("t/s")), queueChanges());
  }

  @Test
  void aPurge_dropsBelowOneBound_andMovesTheMessagesInFlightAboveIt() {
    apply(new CreateQueue("q", "alice", PLAIN));
    send("q", "a", "b", "c", "d");
    var received = (Outcome.MessagesReceived) apply(new ReceiveMessages("q", "alice", 2, -1, "n"));
    List<String> inFlight = received.messages().stream().map(Message::id).toList();
    assertEquals(List.of("a", "b"), inFlight);
    long highest = orderOf("q", "d");

    var purged = (Outcome.Purged) apply(new PurgeQueue("q", "alice"));
    assertEquals(2, purged.purged());
    long purgeSeq = seq;
    assertEquals(new Change.MessagesDropped("q", highest + 1), changes.get(0));
    List<Message> moved = changes.subList(1, changes.size()).stream()
        .map(ch -> ((Change.MessageUpdated) ch).message()).toList();
    assertEquals(inFlight, moved.stream().map(Message::id).toList(), "in their FIFO order");
    for (Message m : moved) {
      assertTrue(m.order() > highest, "above the bound");
      assertEquals(m, broker.message("q", "alice", m.id()).orElseThrow(), "as the broker holds it");
      assertTrue(m.leased(), "still leased to its consumer");
    }
    assertEquals(purgeSeq * MessageRules.SLOTS, moved.get(0).order());
    assertEquals(new QueueCounters(0, 2, 0), broker.queue("q", now).orElseThrow().counters());

    // A later send lies above the moved messages; the dropped ones are gone.
    send("q", "e");
    assertTrue(orderOf("q", "e") > moved.get(1).order());
    assertTrue(broker.message("q", "alice", "c").isEmpty());
    assertTrue(broker.message("q", "alice", "d").isEmpty());
    assertEquals(new QueueCounters(1, 2, 0), broker.queue("q", now).orElseThrow().counters());
    // Released, a kept message is delivered before the later send.
    apply(new ReleaseMessage("q", "alice", moved.get(0).receipt(), 0));
    var next = (Outcome.MessagesReceived) apply(new ReceiveMessages("q", "alice", 2, -1, "n2"));
    assertEquals(List.of("a", "e"), next.messages().stream().map(Message::id).toList());
  }

  @Test
  void aPurgeThatDropsNothing_changesNothing() {
    apply(new CreateQueue("q", "alice", PLAIN));
    send("q", "a");
    apply(new ReceiveMessages("q", "alice", 1, -1, "n"));
    long order = orderOf("q", "a");
    assertEquals(0, ((Outcome.Purged) apply(new PurgeQueue("q", "alice"))).purged());
    assertEquals(List.of(), changes);
    assertEquals(order, orderOf("q", "a"));
  }
}
