package org.quipu.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.Role;

class GroupCommitterTest {

  private final InMemoryLogStore store = new InMemoryLogStore();
  private final ReplicaState state = new ReplicaState();
  private final AtomicLong clock = new AtomicLong(1_000);
  private GroupCommitter committer;

  private GroupCommitter start() {
    committer = new GroupCommitter(store, state, clock::get, 1, 100, Runnable::run);
    committer.start();
    await().atMost(5, TimeUnit.SECONDS).until(committer::serving);
    return committer;
  }

  @AfterEach
  void tearDown() {
    if (committer != null) {
      committer.close();
    }
  }

  private static SendMessages send(int i) {
    return new SendMessages("q", "alice",
        List.of(new SendMessages.NewMessage("m" + i, "body" + i, Map.of(), 0)));
  }

  @Test
  void submit_concurrentCommands_areCommittedInFewerBatchesWithGaplessSeqs() throws Exception {
    start();
    committer.submit(new RegisterUser("alice", "h", Role.USER)).get();
    committer.submit(new CreateQueue("q", "alice",
        new QueueAttributes(30_000, null, null, 345_600_000, null, true))).get();
    List<CompletableFuture<Committed>> futures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      futures.add(committer.submit(send(i)));
    }
    List<Long> seqs = new ArrayList<>();
    for (var f : futures) {
      Committed c = f.get(10, TimeUnit.SECONDS);
      assertInstanceOf(Outcome.MessagesSent.class, c.outcome());
      seqs.add(c.seq());
    }
    assertEquals(502, store.log.size());
    for (int i = 0; i < store.log.size(); i++) {
      assertEquals(i + 1, store.log.get(i).seq());
    }
    assertEquals(502, state.appliedSeq());
    assertEquals(500, seqs.stream().distinct().count());
  }

  @Test
  void storeFailure_failsTheBatch_andStateIsRestoredFromTheStore() throws Exception {
    start();
    committer.submit(new RegisterUser("alice", "h", Role.USER)).get();
    store.failNextAppends = 1;
    store.failNextRestores = 2;
    var failed = committer.submit(new RegisterUser("bob", "h", Role.USER));
    var error = assertThrows(ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
    assertInstanceOf(NotCommittedException.class, error.getCause());

    await().atMost(5, TimeUnit.SECONDS).until(committer::serving);
    boolean bobGone = state.read(b -> b.user("bob").isEmpty());
    assertTrue(bobGone, "the failed write must not survive in memory");
    boolean aliceKept = state.read(b -> b.user("alice").isPresent());
    assertTrue(aliceKept);
    var retried = committer.submit(new RegisterUser("bob", "h", Role.USER)).get(5, TimeUnit.SECONDS);
    assertInstanceOf(Outcome.UserRegistered.class, retried.outcome());
  }

  @Test
  void restart_restoresTheSameStateFromTheStore() throws Exception {
    start();
    committer.submit(new RegisterUser("alice", "h", Role.USER)).get();
    committer.submit(new CreateQueue("q", "alice",
        new QueueAttributes(30_000, null, null, 345_600_000, null, true))).get();
    for (int i = 0; i < 20; i++) {
      committer.submit(send(i)).get();
    }
    String before = state.read(Broker::digest);
    committer.close();

    ReplicaState fresh = new ReplicaState();
    committer = new GroupCommitter(store, fresh, clock::get, 1, 100, Runnable::run);
    committer.start();
    await().atMost(5, TimeUnit.SECONDS).until(committer::serving);
    assertEquals(before, fresh.read(Broker::digest));
    assertEquals(22, fresh.appliedSeq());
  }
}
