package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.ExtendLease;
import org.quipu.core.command.Idempotent;
import org.quipu.core.command.Publish;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.UpdateUser;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.UpdateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;
import org.quipu.core.state.Message;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.Role;

/**
 * The replication contract in one place: a log, encoded and decoded, applied to two fresh
 * brokers gives the same digest; and the changes it produced rebuild that same state.
 */
class DeterminismTest {

  @Test
  void sameLog_appliedTwice_yieldsSameDigest_andChangesRebuildTheState() throws Exception {
    List<LogEntry> log = randomLog(new Random(42), 3_000);

    Broker first = new Broker();
    InMemoryStateStore store = new InMemoryStateStore();
    for (LogEntry e : log) {
      List<Change> changes = new ArrayList<>();
      first.apply(e.seq(), e.timestampMillis(), e.command(), changes);
      store.apply(changes, e.seq(), e.epoch());
    }

    Broker second = new Broker();
    for (LogEntry e : log) {
      LogEntry decoded = CommandCodec.decode(CommandCodec.encode(e));
      assertEquals(e, decoded);
      second.apply(decoded.seq(), decoded.timestampMillis(), decoded.command(), new ArrayList<>());
    }
    Broker restored = new Broker();
    store.restore(restored);

    assertEquals(first.digest(), second.digest());
    assertEquals(first.digest(), restored.digest());
  }

  /** Commands of every kind, with receipts learned from earlier receives, at advancing times. */
  private static List<LogEntry> randomLog(Random random, int count) {
    List<LogEntry> log = new ArrayList<>();
    Broker oracle = new Broker(); // to learn receipts as a real client would
    List<String> receipts = new ArrayList<>();
    List<String> queues = List.of("q0", "q1", "dlq");
    long now = 1_000_000;
    int ids = 0;
    List<Command> setup = List.of(
        new RegisterUser("alice", "h", Role.USER),
        new RegisterUser("root", "h", Role.ADMIN),
        new CreateQueue("dlq", "alice", new QueueAttributes(1_000, null, null, 600_000, null, true)),
        new CreateQueue("q0", "alice", new QueueAttributes(1_000, 3, "dlq", 600_000, null, true)),
        new CreateQueue("q1", "root", new QueueAttributes(2_000, null, null, 60_000, 500, false)),
        new CreateTopic("t", "alice"),
        new Subscribe("t", "all", "alice", "#", null),
        new Subscribe("t", "orders", "root", "order.*", null),
        new Subscribe("t", "into-q0", "alice", "*.created", "q0"));
    List<Command> commands = new ArrayList<>(setup);
    for (int i = 0; i < count; i++) {
      String q = queues.get(random.nextInt(queues.size()));
      String actor = random.nextBoolean() ? "alice" : "root";
      String receipt = receipts.isEmpty() ? "bogus" : receipts.get(random.nextInt(receipts.size()));
      Command command = switch (random.nextInt(16)) {
        case 0, 1 -> new SendMessages(q, actor, List.of(
            new SendMessages.NewMessage("m" + ids++, "b" + i, Map.of("k", "v" + i), random.nextInt(3) * 500L),
            new SendMessages.NewMessage("m" + ids++, "c" + i, Map.of(), 0)));
        case 2, 3 -> new ReceiveMessages(q, actor, 1 + random.nextInt(5), random.nextInt(3) * 700L - 1, "n" + i);
        case 4 -> new AckMessages(q, actor, List.of(receipt));
        case 5 -> new OpenSession("s" + i, "t" + i, actor, now + 10_000);
        case 6 -> new Publish("t", actor, "p" + i,
            "pub" + i, List.of("order.created", "user.created", "order.x.y", "").get(random.nextInt(4)),
            Map.of());
        case 7 -> new ReleaseMessage(q, actor, receipt, random.nextInt(2) * 300L);
        case 8 -> new ExtendLease(q, actor, receipt, 1_500);
        case 9 -> new ReceiveMessages(random.nextBoolean() ? "t/all" : "t/orders", actor, 3, 800, "n" + i);
        case 10 -> random.nextInt(20) == 0 ? new PurgeQueue(q, actor) : new RedriveMessages("dlq", actor, null, 5);
        case 11 -> new Idempotent(actor, "k" + random.nextInt(20), "f" + random.nextInt(2), 5_000,
            new SendMessages(q, actor, List.of(new SendMessages.NewMessage("i" + ids++, "x", Map.of(), 0))));
        case 13 -> random.nextInt(4) == 0 ? new org.quipu.core.command.StartEpoch()
            : new org.quipu.core.command.DropExpired();
        case 14 -> new UpdateQueue(q, actor, new QueuePatch(
            random.nextBoolean() ? null : 500L + random.nextInt(3) * 500L, null, null, null,
            random.nextBoolean() ? null : 2 + random.nextInt(5), null, false, random.nextInt(4) == 0));
        case 12 -> new UpdateUser("alice", "root", null, null, random.nextBoolean() ? "h" + i : null);
        default -> random.nextInt(10) == 0 ? new CloseSession("s" + (i - 1))
            : new DeleteQueue("nope", actor, false);
      };
      commands.add(command);
    }
    long seq = 0;
    for (Command command : commands) {
      now += random.nextInt(400);
      LogEntry entry = new LogEntry(++seq, 1, now, command);
      Outcome outcome = oracle.apply(entry.seq(), now, command, new ArrayList<>());
      if (outcome instanceof Outcome.MessagesReceived received) {
        received.messages().stream().map(Message::receipt).forEach(receipts::add);
      }
      log.add(entry);
    }
    return log;
  }
}
