package org.quipu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class MinSeqWaitTest {

  private static final Duration WAIT = Duration.ofMillis(50);
  private static final Supplier<Optional<String>> LEADER_N1 =
      () -> Optional.of("http://127.0.0.1:8081");

  private static CompletableFuture<Void> neverApplied() {
    return new CompletableFuture<>();
  }

  @Test
  void await_appliedInTime_answersHere_withoutLookingForTheLeader() {
    AtomicInteger lookups = new AtomicInteger();

    MinSeqWait.Outcome outcome = MinSeqWait.await(7, CompletableFuture.completedFuture(null), WAIT,
        false, false, () -> {
          lookups.incrementAndGet();
          return Optional.of("http://127.0.0.1:8081");
        });

    assertInstanceOf(MinSeqWait.AnswerHere.class, outcome);
    assertEquals(0, lookups.get(), "an ordinary request is never forwarded");
  }

  @Test
  void await_appliedDuringTheWait_answersHere() {
    CompletableFuture<Void> applied = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(10, java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(() -> applied.complete(null));

    assertInstanceOf(MinSeqWait.AnswerHere.class,
        MinSeqWait.await(7, applied, Duration.ofSeconds(5), false, false, LEADER_N1));
  }

  @Test
  void await_timeoutOnAFollowerThatKnowsItsLeader_forwardsToTheLeader() {
    long start = System.nanoTime();

    MinSeqWait.Outcome outcome = MinSeqWait.await(7, neverApplied(), WAIT, false, false, LEADER_N1);

    assertEquals(new MinSeqWait.ForwardTo("http://127.0.0.1:8081"), outcome);
    assertTrue(System.nanoTime() - start >= WAIT.toNanos(), "waited the whole bound first");
  }

  @Test
  void await_timeoutOnTheLeader_refuses() {
    MinSeqWait.Outcome outcome = MinSeqWait.await(7, neverApplied(), WAIT, false, true, LEADER_N1);

    assertInstanceOf(MinSeqWait.Refuse.class, outcome);
  }

  @Test
  void await_timeoutOnAFollowerThatKnowsNoLeader_refuses() {
    MinSeqWait.Outcome outcome =
        MinSeqWait.await(7, neverApplied(), WAIT, false, false, Optional::empty);

    assertInstanceOf(MinSeqWait.Refuse.class, outcome);
    assertTrue(((MinSeqWait.Refuse) outcome).detail().contains("seq 7"));
  }

  @Test
  void await_timeoutOnARequestAlreadyForwarded_refusesInsteadOfForwardingAgain() {
    MinSeqWait.Outcome outcome = MinSeqWait.await(7, neverApplied(), WAIT, true, false, LEADER_N1);

    assertInstanceOf(MinSeqWait.Refuse.class, outcome);
  }

  @Test
  void await_interrupted_refusesAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      MinSeqWait.Outcome outcome =
          MinSeqWait.await(7, neverApplied(), Duration.ofSeconds(5), false, false, LEADER_N1);

      assertInstanceOf(MinSeqWait.Refuse.class, outcome);
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }
}
