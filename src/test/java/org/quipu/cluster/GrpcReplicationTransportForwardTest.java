package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quipu.cluster.TransportCalls.answer;
import static org.quipu.cluster.TransportCalls.failure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.StartEpoch;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.Role;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.Committed;
import org.quipu.replication.Contact;
import org.quipu.replication.Contacted;
import org.quipu.replication.SnapshotChunk;
import org.quipu.replication.SnapshotReceived;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.NotCommittedException;
import org.quipu.replication.PeerUnreachableException;
import org.quipu.replication.Promise;
import org.quipu.replication.ReplicaEndpoint;

/**
 * A follower forwarding writes to a leader over real gRPC on loopback: the leader's seq and outcome
 * come back intact, its refusal to commit arrives as NotCommittedException, every case where the
 * outcome is unknown as PeerUnreachableException, and forwards to one leader run side by side.
 */
class GrpcReplicationTransportForwardTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  private static final ClusterPaths GROUP = new ClusterPaths(3);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  /** The leader's replication side is not under test here. */
  private static final ReplicaEndpoint NO_REPLICATION = new ReplicaEndpoint() {
    @Override
    public Promise newEpoch(NewEpoch request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public AppendReply append(Append request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Fetched fetch(Fetch request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Contacted contact(Contact request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SnapshotReceived installSnapshot(SnapshotChunk chunk) {
      throw new UnsupportedOperationException();
    }
  };

  /** Every command that reached the leader's write path, in arrival order. */
  private final List<Command> submitted = new CopyOnWriteArrayList<>();
  /** What the leader's write path does with a command. */
  private volatile ForwardTarget leader =
      command -> CompletableFuture.failedFuture(new UnsupportedOperationException());
  private NodeRpcServer server;
  private GrpcReplicationTransport follower;

  @BeforeEach
  void start() throws Exception {
    server = NodeRpcServer.start("127.0.0.1:0", SECRET, NodeTls.plaintext(), GROUP,
        () -> new NodeStatus("node-1", 9, 0, 0, true), NO_REPLICATION, command -> {
          submitted.add(command);
          return leader.submit(command);
        });
    follower = new GrpcReplicationTransport("node-2", GROUP, SECRET, NodeTls.plaintext(),
        Map.of("node-1", "127.0.0.1:" + server.port()));
  }

  @AfterEach
  void stop() {
    follower.close();
    server.close();
  }

  private static SendMessages send(String id) {
    return new SendMessages("orders", "alice",
        List.of(new SendMessages.NewMessage(id, "body of " + id, Map.of("kind", "test"), 0)));
  }

  @Test
  void forward_returnsTheSeqAndOutcomeTheLeaderCommitted() throws Exception {
    Broker broker = new Broker(); // the leader's state machine, applying what it is forwarded
    List<Committed> committed = new CopyOnWriteArrayList<>();
    leader = new ForwardTarget() {
      private long seq = 40;

      @Override
      public synchronized CompletableFuture<Committed> submit(Command command) {
        seq++;
        Committed done = new Committed(seq,
            broker.apply(seq, 1_700_000_000_000L + seq, command, new ArrayList<>()));
        committed.add(done);
        return CompletableFuture.completedFuture(done);
      }
    };
    List<Command> sent = List.of(
        new RegisterUser("alice", "hash-of-alice", Role.USER),
        new CreateQueue("orders", "alice",
            new QueueAttributes(30_000, null, null, 600_000, null, false)),
        send("m-1"),
        new ReceiveMessages("orders", "alice", 10, -1, "nonce-1"));

    List<Committed> answers = new ArrayList<>();
    for (Command command : sent) {
      answers.add(answer(follower.forward("node-1", command, DEADLINE)));
    }

    assertEquals(sent, submitted);
    assertEquals(committed, answers);
    assertEquals(List.of(41L, 42L, 43L, 44L), answers.stream().map(Committed::seq).toList());
    assertInstanceOf(Outcome.UserRegistered.class, answers.get(0).outcome());
    assertInstanceOf(Outcome.QueueCreated.class, answers.get(1).outcome());
    assertEquals(new Outcome.MessagesSent(List.of("m-1")), answers.get(2).outcome());
    Outcome.MessagesReceived received =
        assertInstanceOf(Outcome.MessagesReceived.class, answers.get(3).outcome());
    assertEquals("m-1", received.messages().get(0).id()); // with its receipt and history
  }

  @Test
  void aCommandTheLeaderCannotCommit_failsWithNotCommittedException_andItsReason() {
    leader = command -> CompletableFuture.failedFuture(
        new NotCommittedException("this node stopped leading"));

    NotCommittedException failed =
        failure(NotCommittedException.class, follower.forward("node-1", send("m-1"), DEADLINE));
    assertTrue(failed.getMessage().contains("this node stopped leading"), failed.getMessage());
  }

  @Test
  void aLeaderThatNeverAnswers_isUnreachableWithDeadlineExceeded_atTheDeadline() {
    leader = command -> new CompletableFuture<>(); // never committed
    long start = System.nanoTime();

    PeerUnreachableException failed = failure(PeerUnreachableException.class,
        follower.forward("node-1", send("m-1"), Duration.ofMillis(300)));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(failed.getMessage().contains("DEADLINE_EXCEEDED"), failed.getMessage());
    assertTrue(tookMillis >= 250 && tookMillis < 2_000, tookMillis + " ms");
  }

  @Test
  void aFollowerWithAnotherSecret_isRefused_andNothingReachesTheLeader() {
    leader = command -> CompletableFuture.completedFuture(new Committed(1, new Outcome.Done()));
    try (GrpcReplicationTransport wrong = new GrpcReplicationTransport("node-2", GROUP,
        new ClusterSecret("t".repeat(32)), NodeTls.plaintext(),
        Map.of("node-1", "127.0.0.1:" + server.port()))) {
      PeerUnreachableException failed = failure(PeerUnreachableException.class,
          wrong.forward("node-1", send("m-1"), DEADLINE));
      assertTrue(failed.getMessage().contains("UNAUTHENTICATED"), failed.getMessage());
    }
    assertEquals(List.of(), submitted);
  }

  @Test
  void aForwardedEpochStart_isRefusedAsInvalid_andNeverReachesTheLeader() {
    leader = command -> CompletableFuture.completedFuture(new Committed(1, new Outcome.Done()));

    PeerUnreachableException failed = failure(PeerUnreachableException.class,
        follower.forward("node-1", new StartEpoch(), DEADLINE));
    assertTrue(failed.getMessage().contains("INVALID_ARGUMENT"), failed.getMessage());
    assertEquals(List.of(), submitted);
  }

  @Test
  void fiftyForwardsToOneLeader_areInFlightAtOnce_andEachGetsItsOwnAnswer() throws Exception {
    record Pending(Command command, CompletableFuture<Committed> commit) {}
    List<Pending> pending = new CopyOnWriteArrayList<>();
    leader = command -> {
      CompletableFuture<Committed> later = new CompletableFuture<>();
      pending.add(new Pending(command, later));
      return later;
    };
    List<CompletableFuture<Committed>> replies = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      replies.add(follower.forward("node-1", send("m-" + i), DEADLINE));
    }

    // None is answered before all 50 have reached the leader: serialized forwards would stall.
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> pending.size() == 50);
    for (Pending p : pending) {
      String id = ((SendMessages) p.command()).messages().get(0).id();
      long seq = 100 + Long.parseLong(id.substring("m-".length()));
      p.commit().complete(new Committed(seq, new Outcome.MessagesSent(List.of(id))));
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(new Committed(100 + i, new Outcome.MessagesSent(List.of("m-" + i))),
          answer(replies.get(i)));
    }
  }

  @Test
  void aLeaderThatIsDown_isUnreachable_notNotCommitted() {
    server.close();

    PeerUnreachableException failed = failure(PeerUnreachableException.class,
        follower.forward("node-1", send("m-1"), DEADLINE));
    assertTrue(failed.getMessage().contains("UNAVAILABLE"), failed.getMessage());
  }

  @Test
  void aLeaderThatFailsOtherwise_isUnreachableWithInternal_andItsExceptionTextStaysThere() {
    leader = command -> CompletableFuture.failedFuture(
        new IllegalStateException("row 42 of message is corrupt"));

    PeerUnreachableException failed = failure(PeerUnreachableException.class,
        follower.forward("node-1", send("m-1"), DEADLINE));
    assertTrue(failed.getMessage().contains("INTERNAL"), failed.getMessage());
    assertFalse(failed.getMessage().contains("corrupt"), failed.getMessage());
  }

  @Test
  void aLeaderThisTransportDoesNotKnow_isUnreachable() {
    PeerUnreachableException failed = failure(PeerUnreachableException.class,
        follower.forward("node-7", send("m-1"), DEADLINE));
    assertTrue(failed.getMessage().contains("node-7"), failed.getMessage());
    assertEquals(List.of(), submitted);
  }
}
