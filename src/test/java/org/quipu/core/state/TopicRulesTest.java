package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteTopic;
import org.quipu.core.command.Idempotent;
import org.quipu.core.command.Publish;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.Unsubscribe;

class TopicRulesTest {

  private final Broker broker = new Broker();
  private long seq;
  private long now = 5_000;

  @BeforeEach
  void setUp() {
    apply(new RegisterUser("alice", "h", Role.USER));
    apply(new RegisterUser("bob", "h", Role.USER));
    apply(new CreateTopic("t", "alice"));
  }

  private Outcome apply(Command command) {
    return broker.apply(++seq, now, command, new ArrayList<>());
  }

  private Outcome publish(String routingKey) {
    return apply(new Publish("t", "alice", "p" + seq, "body", routingKey, Map.of()));
  }

  private List<Message> receive(String queue, String actor) {
    return ((Outcome.MessagesReceived) apply(new ReceiveMessages(queue, actor, 10, -1, "n"))).messages();
  }

  @Test
  void aSubscriptionsOwnQueue_cannotBeDeletedOrChangedAlone() {
    apply(new Subscribe("t", "s", "bob", "#", null));
    var delete = (Outcome.Rejected) apply(new org.quipu.core.command.DeleteQueue("t/s", "bob", true));
    assertEquals(BrokerException.Kind.CONFLICT, delete.kind());
    var shared = new QueueAttributes(30_000, null, null, 345_600_000, null, true);
    var update = (Outcome.Rejected) apply(new org.quipu.core.command.UpdateQueue("t/s", "bob", org.quipu.core.command.QueuePatch.replacing(shared)));
    assertEquals(BrokerException.Kind.CONFLICT, update.kind());
    assertEquals(List.of("s"), ((Outcome.Published) publish("x")).deliveredTo());
  }

  @Test
  void publish_copiesToEveryMatchingSubscription_inNameOrder() {
    apply(new Subscribe("t", "b-orders", "bob", "order.*", null));
    apply(new Subscribe("t", "a-all", "alice", "#", null));
    apply(new Subscribe("t", "c-users", "bob", "user.#", null));

    var published = (Outcome.Published) publish("order.created");

    assertEquals(List.of("a-all", "b-orders"), published.deliveredTo());
    assertEquals(1, receive("t/a-all", "alice").size());
    assertEquals(1, receive("t/b-orders", "bob").size());
    assertEquals(0, receive("t/c-users", "bob").size());
  }

  @Test
  void subscription_receivesOnlyMessagesPublishedAfterItWasCreated() {
    publish("x");
    apply(new Subscribe("t", "late", "bob", "#", null));
    publish("y");
    assertEquals(1, receive("t/late", "bob").size());
  }

  @Test
  void subscriptionWithQueue_deliversIntoThatQueue() {
    apply(new CreateQueue("inbox", "bob", new QueueAttributes(30_000, null, null, 600_000, null, true)));
    apply(new Subscribe("t", "to-inbox", "bob", "#", "inbox"));
    publish("anything");
    Message m = receive("inbox", "bob").get(0);
    assertEquals("alice", m.sender());
  }

  @Test
  void subscriptionQueue_isPrivateToItsSubscriber() {
    apply(new Subscribe("t", "mine", "bob", "#", null));
    publish("k");
    var outcome = apply(new ReceiveMessages("t/mine", "alice", 1, -1, "n"));
    assertEquals(BrokerException.Kind.FORBIDDEN, ((Outcome.Rejected) outcome).kind());
  }

  @Test
  void deleteTopic_withPendingMessages_needsForce_andRemovesSubscriptionQueues() {
    apply(new Subscribe("t", "s", "bob", "#", null));
    publish("k");
    assertEquals(BrokerException.Kind.CONFLICT,
        ((Outcome.Rejected) apply(new DeleteTopic("t", "alice", false))).kind());
    assertEquals(BrokerException.Kind.FORBIDDEN,
        ((Outcome.Rejected) apply(new DeleteTopic("t", "bob", true))).kind());
    assertInstanceOf(Outcome.Done.class, apply(new DeleteTopic("t", "alice", true)));
    assertEquals(true, broker.queue("t/s", now).isEmpty());
  }

  @Test
  void unsubscribe_byTopicOwner_isAllowed_byStranger_isForbidden() {
    apply(new RegisterUser("carol", "h", Role.USER));
    apply(new Subscribe("t", "s", "bob", "#", null));
    assertEquals(BrokerException.Kind.FORBIDDEN,
        ((Outcome.Rejected) apply(new Unsubscribe("t", "s", "carol"))).kind());
    assertInstanceOf(Outcome.Done.class, apply(new Unsubscribe("t", "s", "alice")));
  }

  @Test
  void idempotentSend_retried_returnsFirstOutcome_andStoresOnce() {
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 600_000, null, true)));
    var send = new SendMessages("q", "alice", List.of(new SendMessages.NewMessage("m1", "x", Map.of(), 0)));
    var first = apply(new Idempotent("alice", "key-1", "fp", 600_000, send));
    long firstSeq = seq;
    var retry = apply(new Idempotent("alice", "key-1", "fp",  600_000,
        new SendMessages("q", "alice", List.of(new SendMessages.NewMessage("m2", "x", Map.of(), 0)))));

    assertEquals(new Outcome.Replayed(firstSeq, first), retry);
    assertEquals(1, broker.queue("q", now).orElseThrow().counters().ready());
    var reused = apply(new Idempotent("alice", "key-1", "other", 600_000, send));
    assertEquals(BrokerException.Kind.CONFLICT, ((Outcome.Rejected) reused).kind());
  }

  @Test
  void idempotencyRecord_expires_thenTheKeyIsNew() {
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 600_000, null, true)));
    var send = new SendMessages("q", "alice", List.of(new SendMessages.NewMessage("m1", "x", Map.of(), 0)));
    apply(new Idempotent("alice", "k", "fp", 1_000, send));
    now += 1_000;
    var later = apply(new Idempotent("alice", "k", "fp", 1_000,
        new SendMessages("q", "alice", List.of(new SendMessages.NewMessage("m2", "x", Map.of(), 0)))));
    assertInstanceOf(Outcome.MessagesSent.class, later);
    assertEquals(2, broker.queue("q", now).orElseThrow().counters().ready());
  }
}
