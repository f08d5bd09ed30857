package org.quipu.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.Command;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.state.Outcome;
import org.quipu.node.Traffic.Flow;
import org.quipu.node.Traffic.Kind;
import org.quipu.replication.LogEntry;

class TrafficTest {

  @Test
  void of_deadLettering_countsOutOfTheQueueAndIntoTheDeadLetterQueue() {
    List<Flow> flows = flows(new ReceiveMessages("orders", "alice", 10, -1, "n"),
        new Outcome.MessagesReceived(List.of(), "orders-dlq", 2));
    assertEquals(List.of(new Flow("orders", Kind.OUT, 2), new Flow("orders-dlq", Kind.IN, 2)), flows);
  }

  @Test
  void of_redrive_countsOutOfTheDeadLetterQueueAndIntoEachTarget() {
    List<Flow> flows = flows(new RedriveMessages("orders-dlq", "alice", null, 10),
        new Outcome.Redriven(3, Map.of("orders", 3)));
    assertEquals(List.of(new Flow("orders-dlq", Kind.OUT, 3), new Flow("orders", Kind.IN, 3)), flows);
  }

  private static List<Flow> flows(Command command, Outcome outcome) {
    List<Flow> flows = new ArrayList<>();
    Traffic.of(List.of(new LogEntry(1, 1, 0, command)), List.of(outcome), (t, s) -> t + "/" + s,
        flows::add);
    return flows;
  }
}
