package org.quipu.node;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.Command;
import org.quipu.core.command.Idempotent;
import org.quipu.core.command.Publish;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.Outcome;
import org.quipu.replication.LogEntry;

/**
 * The message traffic in a committed batch, per queue: messages in (sent, copied there by a
 * publish, dead-lettered into it or moved back into it by a redrive), out (delivered to a consumer,
 * dead-lettered out of it or redriven out of it) and acked. Metrics and the console's rates both
 * count it.
 */
public final class Traffic {

  public enum Kind { IN, OUT, ACKED }

  /** {@code count} messages of {@code kind} on {@code queue}. */
  public record Flow(String queue, Kind kind, int count) {}

  private Traffic() {}

  /**
   * Reports every flow of a batch.
   *
   * @param targetQueue the queue a topic's subscription delivers into: (topic, subscription) to
   *     queue name
   */
  public static void of(List<LogEntry> entries, List<Outcome> outcomes,
      BiFunction<String, String, String> targetQueue, Consumer<Flow> flows) {
    for (int i = 0; i < entries.size(); i++) {
      Command command = entries.get(i).command();
      Outcome outcome = outcomes.get(i);
      if (command instanceof Idempotent keyed) {
        command = keyed.command();
      }
      if (command instanceof SendMessages c && outcome instanceof Outcome.MessagesSent o) {
        flows.accept(new Flow(c.queue(), Kind.IN, o.ids().size()));
      } else if (command instanceof Publish c && outcome instanceof Outcome.Published o) {
        for (String subscription : o.deliveredTo()) {
          flows.accept(new Flow(targetQueue.apply(c.topic(), subscription), Kind.IN, 1));
        }
      } else if (command instanceof ReceiveMessages c
          && outcome instanceof Outcome.MessagesReceived o) {
        flows.accept(new Flow(c.queue(), Kind.OUT, o.messages().size() + o.deadLettered()));
        if (o.deadLettered() > 0) {
          flows.accept(new Flow(o.deadLetterQueue(), Kind.IN, o.deadLettered()));
        }
      } else if (command instanceof RedriveMessages c && outcome instanceof Outcome.Redriven o) {
        flows.accept(new Flow(c.queue(), Kind.OUT, o.moved()));
        o.movedTo().forEach((target, moved) -> flows.accept(new Flow(target, Kind.IN, moved)));
      } else if (command instanceof AckMessages c && outcome instanceof Outcome.MessagesAcked o) {
        flows.accept(new Flow(c.queue(), Kind.ACKED, o.acked()));
      }
    }
  }
}
