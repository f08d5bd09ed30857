package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.UpdateQueue;

/** A queue change is merged into the attributes of the moment it is applied. */
class QueuePatchTest {

  private final Broker broker = new Broker();
  private final List<Change> changes = new ArrayList<>();
  private long seq;

  private Outcome apply(org.quipu.core.command.Command c) {
    return broker.apply(++seq, 1_000, c, changes);
  }

  private QueueAttributes attributes(String queue) {
    return broker.queue(queue, 1_000).orElseThrow().definition().attributes();
  }

  private static QueuePatch only(Long visibility, Integer maxLength) {
    return new QueuePatch(visibility, null, null, null, maxLength, null, false, false);
  }

  @Test
  void twoChangesOfDifferentAttributes_builtFromTheSameOldState_bothTakeEffect() {
    apply(new RegisterUser("alice", "h", Role.USER));
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));

    apply(new UpdateQueue("q", "alice", only(5_000L, null)));
    apply(new UpdateQueue("q", "alice", only(null, 10)));

    assertEquals(new QueueAttributes(5_000, null, null, 60_000, 10, true), attributes("q"));
  }

  @Test
  void clearFlags_unsetTheDeadLetterQueueWithItsCount_andTheLengthLimit() {
    apply(new RegisterUser("alice", "h", Role.USER));
    apply(new CreateQueue("dlq", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, 3, "dlq", 60_000, 50, true)));

    apply(new UpdateQueue("q", "alice", new QueuePatch(null, null, null, null, null, null, true, true)));

    QueueAttributes after = attributes("q");
    assertNull(after.deadLetterQueue());
    assertNull(after.maxReceiveCount());
    assertNull(after.maxLength());
  }

  @Test
  void aPatchThatSetsOnlyMaxReceiveCount_onAQueueWithoutDeadLetterQueue_isInvalid() {
    apply(new RegisterUser("alice", "h", Role.USER));
    apply(new CreateQueue("q", "alice", new QueueAttributes(30_000, null, null, 60_000, null, true)));
    Outcome outcome = apply(new UpdateQueue("q", "alice",
        new QueuePatch(null, 3, null, null, null, null, false, false)));
    assertEquals(BrokerException.Kind.INVALID, ((Outcome.Rejected) outcome).kind());
  }
}
