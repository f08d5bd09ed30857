package org.quipu.replication;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.quipu.core.command.Command;

/**
 * How a follower hands a write to the leader (DESIGN.md, "The replicated state machine", item 1):
 * the leader commits it as if its own client had sent it ({@link ForwardTarget}) and sends back
 * what applying it produced, for the follower to answer its client with. Implementation: the gRPC
 * adapter in {@code cluster}.
 */
public interface Forwarding {

  /**
   * Sends {@code command} to the member {@code leaderId} and completes with the leader's {@link
   * Committed} (seq and outcome, a refusal by the state machine included). Never blocks; many
   * forwards, to one leader or several, may be in flight at once, and they are answered in no
   * particular order. The future completes on the transport's threads: what is chained on it must
   * not block.
   *
   * <p>It fails with {@link NotCommittedException} when the leader answered that it could not
   * commit the command (it is not leading any more, is recovering or stopping): the write must not
   * be assumed done. It fails with {@link PeerUnreachableException} when the outcome is unknown:
   * the leader did not answer within {@code deadline}, could not be reached, refused the call
   * itself or sent an answer that cannot be read. The command may then have been committed; a
   * retry is safe only for a command that carries an idempotency key.
   */
  CompletableFuture<Committed> forward(String leaderId, Command command, Duration deadline);

  /** Forwarding in a group of one: there is never another leader to forward to. */
  static Forwarding noLeaderElsewhere() {
    return (leaderId, command, deadline) -> CompletableFuture.failedFuture(
        new NotCommittedException("no other member to forward to in a group of one"));
  }
}
