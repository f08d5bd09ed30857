package org.quipu.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What a node does with a request that sends {@code X-Quipu-Min-Seq: N}: it waits (bounded) until
 * it has applied N and then answers itself; when the wait runs out, a follower that knows its
 * leader's HTTP address forwards the request there, and every other node (the leader itself, a
 * follower that knows no leader, a node the request was already forwarded to) refuses with 503.
 * No outcome answers from state older than the client asked for.
 *
 * <p>The leader's address is looked up only after a timeout (it may read ZooKeeper), and the
 * role is the node's at that moment: a follower that became leader during the wait refuses.
 */
final class MinSeqWait {

  /** The decision, for {@link NodeHeadersFilter} to carry out. */
  sealed interface Outcome {}

  /** This node has applied N: it answers from its own state. */
  record AnswerHere() implements Outcome {}

  /** Forward the request to the leader at this HTTP base URL and relay its answer. */
  record ForwardTo(String leaderAddress) implements Outcome {}

  /** 503 with Retry-After, this detail for the client. */
  record Refuse(String detail) implements Outcome {}

  private MinSeqWait() {}

  /**
   * Waits up to {@code wait} for {@code applied} (completes once seq {@code seq} is applied here).
   *
   * @param forwardedHere the request already carries {@link LeaderReadForwarder#FORWARDED_BY}
   * @param leads this node leads
   * @param leaderAddress the HTTP base URL of the leader this node follows, if it knows one
   */
  static Outcome await(long seq, CompletableFuture<?> applied, Duration wait,
      boolean forwardedHere, boolean leads, Supplier<Optional<String>> leaderAddress) {
    try {
      applied.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return new AnswerHere();
    } catch (TimeoutException notYet) {
      String waited = "this node has not applied seq " + seq + " within " + wait.toSeconds()
          + " s";
      if (forwardedHere) {
        return new Refuse(waited + " (the request was already forwarded once); retry");
      }
      if (leads) {
        return new Refuse(waited + " although it leads; retry");
      }
      return leaderAddress.get().<Outcome>map(ForwardTo::new)
          .orElseGet(() -> new Refuse(waited + " and knows no leader to ask; retry"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Refuse("interrupted while waiting for seq " + seq + "; retry");
    } catch (ExecutionException impossible) { // whenApplied futures only ever complete
      throw new IllegalStateException(impossible);
    }
  }
}
