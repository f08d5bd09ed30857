package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.DropExpired;
import org.quipu.core.command.ExtendLease;
import org.quipu.core.command.Idempotent;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.Publish;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.UpdateQueue;
import org.quipu.core.command.UpdateUser;
import org.quipu.core.state.Broker;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageEvent;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.Role;
import org.quipu.core.state.Session;
import org.quipu.core.state.Subscription;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.User;

/**
 * Every kind of outcome, hand-built (every nullable field set, null, and "" or 0 beside null) and
 * produced by the real state machine, survives the trip to bytes and back.
 */
class OutcomeCodecTest {

  @ParameterizedTest
  @MethodSource("namedSamples")
  void decodeOfEncode_anyOutcome_equalsTheOriginal(Outcome outcome) {
    assertEquals(outcome, OutcomeCodec.decode(OutcomeCodec.encode(outcome)));
    assertEquals(outcome, OutcomeCodec.fromProto(OutcomeCodec.toProto(outcome)));
  }

  @Test
  void samples_everyOutcomeVariant_hasAtLeastOneSample() {
    List<Outcome> samples = samples();
    for (Class<?> variant : Outcome.class.getPermittedSubclasses()) {
      assertTrue(samples.stream().anyMatch(variant::isInstance),
          "no sample of " + variant.getSimpleName() + ": add one to OutcomeCodecTest.samples()");
    }
  }

  @Test
  void samples_everyRejectionKind_hasAtLeastOneSample() {
    List<Outcome> samples = samples();
    for (BrokerException.Kind kind : BrokerException.Kind.values()) {
      assertTrue(samples.stream().anyMatch(
          o -> o instanceof Outcome.Rejected r && r.kind() == kind), "no rejection " + kind);
    }
  }

  @Test
  void decode_corruptBytes_throwsIllegalStateException() {
    // field 2 (user_registered), length 5, but only one byte follows
    byte[] truncated = {0x12, 0x05, 0x01};
    assertThrows(IllegalStateException.class, () -> OutcomeCodec.decode(truncated));
  }

  @Test
  void decode_kindFromANewerNode_throwsIllegalStateException() {
    // field 100 (a kind this node does not know), empty: parses, but sets no known kind
    byte[] unknownKind = {(byte) 0xA2, 0x06, 0x00};
    assertThrows(IllegalStateException.class, () -> OutcomeCodec.decode(unknownKind));
  }

  @Test
  void fromProto_noKind_throwsIllegalStateException() {
    assertThrows(IllegalStateException.class, () -> OutcomeCodec.fromProto(
        org.quipu.proto.command.v1.Outcome.getDefaultInstance()));
  }

  @Test
  void fromProto_rejectionOfUnspecifiedKind_throwsIllegalStateException() {
    var unspecified = org.quipu.proto.command.v1.Outcome.newBuilder()
        .setRejected(org.quipu.proto.command.v1.Rejected.newBuilder().setDetail("why"))
        .build();
    assertThrows(IllegalStateException.class, () -> OutcomeCodec.fromProto(unspecified));
  }

  /** The state machine's samples are worth having: they hold what hand-built ones might miss. */
  @Test
  void fromTheStateMachine_realRun_yieldsLeasesRedrivesReplaysAndEveryRejection() {
    List<Outcome> outcomes = fromTheStateMachine();
    List<Message> received = outcomes.stream()
        .filter(Outcome.MessagesReceived.class::isInstance)
        .flatMap(o -> ((Outcome.MessagesReceived) o).messages().stream())
        .toList();
    assertTrue(received.stream().allMatch(m -> m.leased() && m.firstReceivedAtMillis() != null));
    List<MessageEvent.Kind> redrivenHistory = List.of(MessageEvent.Kind.RECEIVED,
        MessageEvent.Kind.DEAD_LETTERED, MessageEvent.Kind.REDRIVEN, MessageEvent.Kind.RECEIVED);
    assertTrue(received.stream().anyMatch(m -> "q".equals(m.deadLetteredFrom())
        && m.history().stream().map(MessageEvent::kind).toList().equals(redrivenHistory)),
        () -> "no redriven message among " + received);
    assertTrue(outcomes.stream().anyMatch(o -> o instanceof Outcome.Replayed r
        && r.first() instanceof Outcome.Redriven d && d.movedTo().equals(Map.of("q", 1))));
    List<BrokerException.Kind> rejections = outcomes.stream()
        .filter(Outcome.Rejected.class::isInstance)
        .map(o -> ((Outcome.Rejected) o).kind())
        .sorted()
        .toList();
    assertEquals(List.of(BrokerException.Kind.values()), rejections);
  }

  // ---- samples ------------------------------------------------------------------------------

  static Stream<Named<Outcome>> namedSamples() {
    List<Outcome> samples = samples();
    return IntStream.range(0, samples.size()).mapToObj(
        i -> Named.of(i + ": " + samples.get(i).getClass().getSimpleName(), samples.get(i)));
  }

  static List<Outcome> samples() {
    List<Outcome> samples = new ArrayList<>(handBuilt());
    samples.addAll(fromTheStateMachine());
    return samples;
  }

  /** Edge values the state machine rarely produces: nulls, "" and 0 beside them, empty lists. */
  private static List<Outcome> handBuilt() {
    User alice = new User("alice", "pbkdf2-hash", Role.USER, false, 1_000);
    User root = new User("root", "", Role.ADMIN, true, Long.MIN_VALUE);
    QueueAttributes full = new QueueAttributes(30_000, 5, "dlq", 345_600_000, 1_000, true);
    QueueAttributes unset = new QueueAttributes(0, null, null, 0, null, false);
    QueueAttributes zeros = new QueueAttributes(-1, 0, "", Long.MAX_VALUE, 0, false);
    List<MessageEvent> history = List.of(
        new MessageEvent(10, MessageEvent.Kind.RECEIVED, "bob"),
        new MessageEvent(20, MessageEvent.Kind.DEAD_LETTERED, "q"),
        new MessageEvent(30, MessageEvent.Kind.REDRIVEN, ""));
    Message leased =
        new Message("m1", "q", 42, "alice", 5, 35_000, 3, "receipt", 10L, "src", history);
    Message bare = new Message("m2", "q", 0, "alice", 0, 0, 0, null, null, null, List.of());
    Message blank = new Message("", "", -7, "", 0, 0, 0, "", 0L, "", List.of());
    TopicDefinition topic = new TopicDefinition("t", "alice", 7);
    List<Outcome> samples = new ArrayList<>(List.of(
        new Outcome.Done(),
        new Outcome.UserRegistered(alice),
        new Outcome.UserUpdated(root),
        new Outcome.SessionOpened(new Session("s1", "ab12", "alice", 1, 2), alice),
        new Outcome.QueueCreated(new QueueDefinition("q", "alice", full, 3), true),
        new Outcome.QueueCreated(new QueueDefinition("q", "alice", unset, 3), false),
        new Outcome.QueueUpdated(new QueueDefinition("q", "root", zeros, 0)),
        new Outcome.MessagesSent(List.of("m1", "m2")),
        new Outcome.MessagesSent(List.of()),
        new Outcome.MessagesReceived(List.of(leased, bare), "dlq", 2),
        new Outcome.MessagesReceived(List.of(blank), "", 0),
        new Outcome.MessagesReceived(List.of()),
        new Outcome.MessagesAcked(1, List.of("stale-1", "stale-2")),
        new Outcome.MessagesAcked(0, List.of()),
        new Outcome.Purged(0),
        new Outcome.Purged(Integer.MAX_VALUE),
        new Outcome.Redriven(3, Map.of("q1", 2, "q2", 1)),
        new Outcome.Redriven(0),
        new Outcome.TopicCreated(topic, true),
        new Outcome.TopicCreated(topic, false),
        new Outcome.Subscribed(new Subscription("t", "own", "alice", "#", null, 8), true),
        new Outcome.Subscribed(new Subscription("t", "into", "alice", "", "", 0), false),
        new Outcome.Subscribed(new Subscription("t", "q", "alice", "a.*", "q", 9), true),
        new Outcome.Published("p1", List.of("all", "orders")),
        new Outcome.Published("p2", List.of()),
        new Outcome.Replayed(7, new Outcome.MessagesSent(List.of("m1"))),
        new Outcome.Replayed(-1, new Outcome.Replayed(0, new Outcome.Redriven(2, Map.of("q", 2)))),
        new Outcome.Replayed(8, new Outcome.Rejected(BrokerException.Kind.CONFLICT, null))));
    for (BrokerException.Kind kind : BrokerException.Kind.values()) {
      samples.add(new Outcome.Rejected(kind, "refused: " + kind));
    }
    samples.add(new Outcome.Rejected(BrokerException.Kind.INVALID, null));
    samples.add(new Outcome.Rejected(BrokerException.Kind.GONE, ""));
    return samples;
  }

  /**
   * Outcomes of a real run: users, sessions, queues with a dead-letter queue, messages received,
   * dead-lettered, redriven and received again (receipts, histories, receive counts), topics,
   * subscriptions, publishes, a replayed keyed write and a rejection of every kind.
   */
  private static List<Outcome> fromTheStateMachine() {
    Run run = new Run();
    run.expect(Outcome.UserRegistered.class, new RegisterUser("root", "h-root", Role.ADMIN));
    run.expect(Outcome.UserRegistered.class, new RegisterUser("alice", "h-alice", Role.USER));
    run.expect(Outcome.SessionOpened.class, new OpenSession("s1", "tok", "alice", 60_000_000));
    run.expect(Outcome.UserUpdated.class, new UpdateUser("alice", "root", null, null, "h-2"));
    run.expect(Outcome.QueueCreated.class, new CreateQueue("dlq", "alice",
        new QueueAttributes(1_000, null, null, 600_000, null, false)));
    var q = new CreateQueue("q", "alice", new QueueAttributes(1_000, 1, "dlq", 600_000, 100, true));
    run.expect(Outcome.QueueCreated.class, q);
    run.expect(Outcome.QueueCreated.class, q); // created: false
    run.expect(Outcome.QueueUpdated.class,
        new UpdateQueue("q", "alice",
            new QueuePatch(1_500L, null, null, null, null, null, false, false)));
    run.expect(Outcome.MessagesSent.class, new SendMessages("q", "alice", List.of(
        new SendMessages.NewMessage("m1", "one", Map.of("k", "v"), 0),
        new SendMessages.NewMessage("m2", "two", Map.of(), 0),
        new SendMessages.NewMessage("m3", "three", Map.of(), 150))));
    var first = run.expect(Outcome.MessagesReceived.class,
        new ReceiveMessages("q", "alice", 2, -1, "n1"));
    String receiptOfM1 = first.messages().get(0).receipt();
    String receiptOfM2 = first.messages().get(1).receipt();
    run.expect(Outcome.MessagesAcked.class,
        new AckMessages("q", "alice", List.of(receiptOfM1, "bogus")));
    run.expect(Outcome.Done.class, new ReleaseMessage("q", "alice", receiptOfM2, 0));
    run.expect(Outcome.Rejected.class, new ReleaseMessage("q", "alice", receiptOfM2, 0)); // GONE
    // m2 was delivered once (maxReceiveCount): it goes to dlq; m3 is delivered
    var second = run.expect(Outcome.MessagesReceived.class,
        new ReceiveMessages("q", "alice", 5, -1, "n2"));
    assertEquals("dlq", second.deadLetterQueue());
    String receiptOfM3 = second.messages().get(0).receipt();
    run.expect(Outcome.Done.class, new ExtendLease("q", "alice", receiptOfM3, 5_000));
    var redrive = new Idempotent("alice", "k-redrive", "f", 60_000,
        new RedriveMessages("dlq", "alice", null, 10));
    run.expect(Outcome.Redriven.class, redrive);
    run.expect(Outcome.Replayed.class, redrive);
    run.expect(Outcome.MessagesReceived.class, new ReceiveMessages("q", "alice", 5, 2_000, "n3"));
    run.expect(Outcome.Purged.class, new PurgeQueue("q", "alice"));
    run.expect(Outcome.Purged.class, new DropExpired());
    run.expect(Outcome.TopicCreated.class, new CreateTopic("t", "alice"));
    run.expect(Outcome.TopicCreated.class, new CreateTopic("t", "alice"));
    run.expect(Outcome.TopicCreated.class, new CreateTopic("quiet", "alice"));
    run.expect(Outcome.Subscribed.class, new Subscribe("t", "all", "alice", "#", null));
    var intoQ = new Subscribe("t", "into-q", "alice", "order.*", "q");
    run.expect(Outcome.Subscribed.class, intoQ);
    run.expect(Outcome.Subscribed.class, intoQ);
    run.expect(Outcome.Published.class,
        new Publish("t", "alice", "p1", "body", "order.created", Map.of("h", "v")));
    run.expect(Outcome.Published.class, new Publish("quiet", "alice", "p2", "", "", Map.of()));
    var keyed = new Idempotent("alice", "k1", "f1", 60_000, new SendMessages("q", "alice",
        List.of(new SendMessages.NewMessage("i1", "x", Map.of(), 0))));
    run.expect(Outcome.MessagesSent.class, keyed);
    run.expect(Outcome.Replayed.class, keyed);
    run.expect(Outcome.Rejected.class, new Idempotent("alice", "k1", "f2", 60_000,
        keyed.command())); // CONFLICT
    run.expect(Outcome.Rejected.class, new DeleteQueue("nope", "alice", false)); // NOT_FOUND
    run.expect(Outcome.Rejected.class,
        new UpdateUser("root", "alice", null, true, null)); // FORBIDDEN
    run.expect(Outcome.Rejected.class, new CreateQueue("self", "alice",
        new QueueAttributes(1_000, 1, "self", 600_000, null, false))); // INVALID
    return run.outcomes;
  }

  /** The real state machine, fed one command at a time at advancing times. */
  private static final class Run {
    final Broker broker = new Broker();
    final List<Outcome> outcomes = new ArrayList<>();
    long seq;
    long now = 1_000_000;

    /** Applies {@code command} and checks that it produced the kind of outcome the sample needs. */
    <T extends Outcome> T expect(Class<T> kind, Command command) {
      now += 200;
      Outcome outcome = broker.apply(++seq, now, command, new ArrayList<>());
      outcomes.add(outcome);
      return assertInstanceOf(kind, outcome, () -> command + " gave " + outcome);
    }
  }
}
