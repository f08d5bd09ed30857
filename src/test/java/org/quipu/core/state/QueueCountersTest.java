package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.command.SendMessages;

/**
 * The counters a queue keeps as messages come and go agree, at every moment, with counting its
 * messages one by one — through random sends (some delayed), receives, acks, releases and time.
 */
class QueueCountersTest {

  /** What the counters must say: each message classified by its own fields at {@code now}. */
  private static QueueCounters countedOneByOne(Broker broker, long now) {
    int ready = 0;
    int inFlight = 0;
    int delayed = 0;
    for (Message m : broker.browse("q", "alice", m -> true, Integer.MAX_VALUE)) {
      if (m.visibleAtMillis() <= now) {
        ready++;
      } else if (m.leased()) {
        inFlight++;
      } else {
        delayed++;
      }
    }
    return new QueueCounters(ready, inFlight, delayed);
  }

  @Test
  void keptCounters_matchCountingEveryMessage_throughRandomTraffic() {
    Random random = new Random(7);
    Broker broker = new Broker();
    List<Change> changes = new ArrayList<>();
    long now = 1_000;
    long seq = 0;
    broker.apply(++seq, now, new RegisterUser("alice", "h", Role.USER), changes);
    broker.apply(++seq, now, new CreateQueue("q", "alice",
        new QueueAttributes(2_000, null, null, 3_600_000, null, true)), changes);
    List<String> receipts = new ArrayList<>();
    int ids = 0;
    for (int step = 0; step < 3_000; step++) {
      now += random.nextInt(300);
      var command = switch (random.nextInt(5)) {
        case 0, 1 -> new SendMessages("q", "alice", List.of(new SendMessages.NewMessage(
            "m" + ids++, "x", Map.of(), random.nextBoolean() ? 0 : random.nextInt(3_000))));
        case 2 -> new ReceiveMessages("q", "alice", 1 + random.nextInt(3),
            random.nextInt(3) * 1_000L - 1, "n" + step);
        case 3 -> new AckMessages("q", "alice",
            List.of(receipts.isEmpty() ? "none" : receipts.get(random.nextInt(receipts.size()))));
        default -> new ReleaseMessage("q", "alice",
            receipts.isEmpty() ? "none" : receipts.get(random.nextInt(receipts.size())),
            random.nextInt(2) * 1_000L);
      };
      Outcome outcome = broker.apply(++seq, now, command, changes);
      if (outcome instanceof Outcome.MessagesReceived received) {
        received.messages().forEach(m -> receipts.add(m.receipt()));
      }
      long probe = now + random.nextInt(2_500);
      assertEquals(countedOneByOne(broker, probe), broker.queue("q", probe).orElseThrow().counters(),
          "at step " + step);
    }
  }
}
