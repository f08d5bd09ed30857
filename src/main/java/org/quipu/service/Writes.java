package org.quipu.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.Command;
import org.quipu.core.command.Publish;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Outcome;
import org.quipu.node.MemoryAlarm;
import org.quipu.node.MemoryAlarmException;
import org.quipu.node.Node;
import org.quipu.replication.Committed;

/**
 * The one door for writes, from the API and the console alike: {@link #execute} commits a command
 * and turns a rejection into a {@link BrokerException}. While the {@link MemoryAlarm} is raised,
 * new messages (sends, publishes) are refused here, before anything is proposed.
 */
@ApplicationScoped
public class Writes {

  @Inject Node node;

  /**
   * Completes with the committed outcome, or exceptionally with the reason it was refused. A
   * replayed keyed write completes with its first outcome and the seq it was committed at.
   */
  public CompletionStage<Committed> execute(Command command) {
    MemoryAlarm alarm = node.memoryAlarm();
    if (alarm.raised() && (command instanceof SendMessages || command instanceof Publish)) {
      return CompletableFuture.failedFuture(
          new MemoryAlarmException(alarm.usedAfterGc(), alarm.highWatermark()));
    }
    return node.writes().submit(command).thenCompose(result -> {
      Committed committed = result;
      if (committed.outcome() instanceof Outcome.Replayed replayed) {
        committed = new Committed(replayed.seq(), replayed.first());
      }
      if (committed.outcome() instanceof Outcome.Rejected rejected) {
        return CompletableFuture.failedFuture(
            new BrokerException(rejected.kind(), rejected.detail()));
      }
      return CompletableFuture.completedFuture(committed);
    });
  }
}
