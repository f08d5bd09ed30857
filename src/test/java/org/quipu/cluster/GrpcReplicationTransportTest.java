package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quipu.cluster.TransportCalls.answer;
import static org.quipu.cluster.TransportCalls.unreachable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.QueueAttributes;
import org.quipu.replication.Append;
import org.quipu.replication.Contact;
import org.quipu.replication.Contacted;
import org.quipu.replication.LogPosition;
import org.quipu.replication.SnapshotChunk;
import org.quipu.replication.SnapshotId;
import org.quipu.replication.SnapshotReceived;
import org.quipu.replication.AppendReply;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.LogEntry;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.PeerUnreachableException;
import org.quipu.replication.Promise;
import org.quipu.replication.ReplicaEndpoint;
import org.quipu.replication.StoreUnavailableException;

/**
 * The leader's transport against a real node server over gRPC on loopback: every message crosses
 * intact both ways, and every way a call can fail reaches the leader as PeerUnreachableException.
 */
class GrpcReplicationTransportTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  /** Not group 0, so that a group lost on the way would show. */
  private static final ClusterPaths GROUP = new ClusterPaths(3);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private static final List<LogEntry> ENTRIES = List.of(
      new LogEntry(121, 9, 1_700_000_000_001L, new CreateQueue("orders", "alice",
          new QueueAttributes(30_000, 5, "orders-dlq", 600_000, 1_000, true))),
      new LogEntry(122, 9, 1_700_000_000_002L, new SendMessages("orders", "alice", List.of(
          new SendMessages.NewMessage("m-1", "first", Map.of("kind", "test"), 250),
          new SendMessages.NewMessage("m-2", "second", Map.of(), 0)))));

  /** Records what reaches it; answers what it is told to, after running {@link #before}. */
  private static final class RecordingEndpoint implements ReplicaEndpoint {

    interface Before {
      void run() throws StoreUnavailableException, InterruptedException;
    }

    final List<Object> received = new CopyOnWriteArrayList<>();
    /**
     * The gRPC call each append came on: one context per call on the server's side, so appends
     * that share one came on one Replicate stream.
     */
    final List<io.grpc.Context> appendCalls = new CopyOnWriteArrayList<>();
    volatile Before before = () -> {};
    volatile Promise promise;
    /** Null: each append is accepted, with its own last seq as the match. */
    volatile AppendReply appendReply;
    volatile Fetched fetched;
    volatile Contacted contacted;
    volatile SnapshotReceived snapshotReceived;

    @Override
    public Promise newEpoch(NewEpoch request) throws StoreUnavailableException {
      received.add(request);
      runBefore();
      return promise;
    }

    @Override
    public AppendReply append(Append request) throws StoreUnavailableException {
      received.add(request);
      appendCalls.add(io.grpc.Context.current());
      runBefore();
      return appendReply != null ? appendReply
          : new AppendReply("node-2", AppendReply.Result.ACCEPTED, request.epoch(),
              request.lastSeq(), request.lastSeq());
    }

    @Override
    public Fetched fetch(Fetch request) throws StoreUnavailableException {
      received.add(request);
      runBefore();
      return fetched;
    }

    /** Runs nothing before: a contact is answered at once, whatever else is running. */
    @Override
    public Contacted contact(Contact request) {
      received.add(request);
      return contacted;
    }

    @Override
    public SnapshotReceived installSnapshot(SnapshotChunk chunk) {
      received.add(chunk);
      return snapshotReceived;
    }

    private void runBefore() throws StoreUnavailableException {
      try {
        before.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private final RecordingEndpoint endpoint = new RecordingEndpoint();
  /** Holds an endpoint that blocks until the test ends. */
  private final CountDownLatch released = new CountDownLatch(1);
  private NodeRpcServer server;
  private GrpcReplicationTransport transport;

  @BeforeEach
  void start() throws Exception {
    server = NodeRpcServer.start("127.0.0.1:0", SECRET, NodeTls.plaintext(), GROUP,
        () -> new NodeStatus("node-2", 0, 0, 0, true), endpoint,
        command -> CompletableFuture.failedFuture(new UnsupportedOperationException()));
    transport = new GrpcReplicationTransport("node-1", GROUP, SECRET, NodeTls.plaintext(),
        Map.of("node-2", "127.0.0.1:" + server.port()));
  }

  @AfterEach
  void stop() {
    released.countDown();
    transport.close();
    server.close();
  }

  private static Append append(List<LogEntry> entries) {
    return new Append(3, "node-1", 9, 120, 8, entries, 119);
  }

  @Test
  void newEpoch_carriesTheCallerAndEveryFieldOfThePromise() throws Exception {
    NewEpoch sent = new NewEpoch(3, "node-1", 9);
    endpoint.promise = new Promise("node-2", true, 9, 8, 120, 118);

    assertEquals(endpoint.promise, answer(transport.newEpoch("node-2", sent, DEADLINE)));
    assertEquals(List.of(sent), endpoint.received);
  }

  @Test
  void append_carriesEveryFieldAndEntry_andEachResultBack() throws Exception {
    Append sent = append(ENTRIES);
    for (AppendReply.Result result : AppendReply.Result.values()) {
      endpoint.appendReply = new AppendReply("node-2", result, 10, 122, 130);
      assertEquals(endpoint.appendReply, answer(transport.append("node-2", sent, DEADLINE)));
    }
    assertEquals(List.of(sent, sent, sent), endpoint.received);
  }

  @Test
  void append_withNoEntries_crossesAsAHeartbeat() throws Exception {
    Append heartbeat = append(List.of());
    endpoint.appendReply = new AppendReply("node-2", AppendReply.Result.ACCEPTED, 9, 120, 120);

    assertEquals(endpoint.appendReply, answer(transport.append("node-2", heartbeat, DEADLINE)));
    assertEquals(List.of(heartbeat), endpoint.received);
  }

  @Test
  void fetch_carriesItsFields_andTheEntriesOrARefusalBack() throws Exception {
    Fetch sent = new Fetch(3, "node-1", 9, 120, 50);
    endpoint.fetched = new Fetched("node-2", true, 9, ENTRIES, 0);
    assertEquals(endpoint.fetched, answer(transport.fetch("node-2", sent, DEADLINE)));

    endpoint.fetched = new Fetched("node-2", false, 12, List.of(), 0);
    assertEquals(endpoint.fetched, answer(transport.fetch("node-2", sent, DEADLINE)));

    endpoint.fetched = new Fetched("node-2", true, 9, List.of(), 400);
    assertEquals(endpoint.fetched, answer(transport.fetch("node-2", sent, DEADLINE)));
    assertEquals(List.of(sent, sent, sent), endpoint.received);
  }

  @Test
  void aSnapshotChunk_carriesItsSnapshotOffsetAndBytes_andTheMembersProgressBack()
      throws Exception {
    SnapshotId id = new SnapshotId(new LogPosition(5_000, 7, 1_700_000_000_123L), 3_000_000,
        "00ff" + "ab".repeat(30));
    byte[] data = new byte[1 << 20];
    new java.util.Random(3).nextBytes(data);
    SnapshotChunk sent = new SnapshotChunk(3, "node-1", 9, id, 2_097_152, data);
    endpoint.snapshotReceived = new SnapshotReceived("node-2", true, 9, 3_145_728, false, 4_100);

    assertEquals(endpoint.snapshotReceived,
        answer(transport.installSnapshot("node-2", sent, DEADLINE)));
    SnapshotChunk got = (SnapshotChunk) endpoint.received.get(0);
    assertEquals(List.of(3, "node-1", 9L, id, 2_097_152L),
        List.of(got.group(), got.leaderId(), got.epoch(), got.snapshot(), got.offset()));
    assertArrayEquals(data, got.data());
  }

  @Test
  void appendsSentBackToBack_areAnsweredInOrder_handledOneAtATimeInTheOrderSent_onOneStream()
      throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    endpoint.before = () -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      Thread.sleep(5);
      running.decrementAndGet();
    };
    List<Append> sent = new ArrayList<>();
    List<CompletableFuture<AppendReply>> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // pipelined: none waits for the one before
      Append heartbeat = new Append(3, "node-1", 9, 120 + i, 9, List.of(), 119);
      sent.add(heartbeat);
      replies.add(transport.append("node-2", heartbeat, DEADLINE));
    }
    List<Long> matched = new ArrayList<>();
    for (CompletableFuture<AppendReply> reply : replies) {
      matched.add(answer(reply).matchSeq());
    }
    // The member matches each append at its own last seq: each reply is its own append's.
    assertEquals(sent.stream().map(Append::lastSeq).toList(), matched);
    assertEquals(sent.stream().map(Append::prevSeq).toList(),
        endpoint.received.stream().map(a -> ((Append) a).prevSeq()).toList());
    assertEquals(1, mostAtOnce.get());
    assertEquals(1, endpoint.appendCalls.stream().distinct().count(), "one stream for all");
  }

  @Test
  void anAppendPastItsDeadline_failsWithTheAppendsBehindIt_whichTheMemberNeverHandles_andTheNextGoesOnANewStream()
      throws Exception {
    Append warmUp = new Append(3, "node-1", 9, 119, 9, List.of(), 119);
    Append first = new Append(3, "node-1", 9, 120, 9, List.of(), 119);
    Append second = new Append(3, "node-1", 9, 121, 9, List.of(), 119);
    Append third = new Append(3, "node-1", 9, 122, 9, List.of(), 119);
    // Connected first, so that the first append reaches the member well within its deadline.
    answer(transport.append("node-2", warmUp, DEADLINE));
    endpoint.received.clear();
    endpoint.appendCalls.clear();
    CountDownLatch firstRunning = new CountDownLatch(1);
    endpoint.before = () -> {
      if (endpoint.received.get(endpoint.received.size() - 1).equals(first)) {
        firstRunning.countDown();
        released.await(10, TimeUnit.SECONDS); // the first append hangs on the member
      }
    };

    long start = System.nanoTime();
    var slow = transport.append("node-2", first, Duration.ofMillis(300));
    var behind = transport.append("node-2", second, DEADLINE);
    assertTrue(firstRunning.await(10, TimeUnit.SECONDS));

    PeerUnreachableException late = unreachable(slow);
    assertTrue(late.getMessage().contains("DEADLINE_EXCEEDED"), late.getMessage());
    assertTrue(late.getMessage().contains("Replicate"), late.getMessage());
    assertTrue(late.getMessage().contains("node-2"), late.getMessage());
    assertTrue(unreachable(behind).getMessage().contains("DEADLINE_EXCEEDED"));
    long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(failedAfterMillis < DEADLINE.toMillis() / 2,
        failedAfterMillis + " ms: the append behind failed with the first, not at its own deadline");

    // Sent after both failed: on a new stream, answered while the first still hangs on the old.
    assertEquals(third.lastSeq(), answer(transport.append("node-2", third, DEADLINE)).matchSeq());
    assertEquals(List.of(first, third), endpoint.received);
    assertEquals(2, endpoint.appendCalls.stream().distinct().count());
  }

  @Test
  void aStaleEpochReply_isAnAnswer_andTheStreamGoesOn() throws Exception {
    Append sent = append(ENTRIES);
    AppendReply stale = new AppendReply("node-2", AppendReply.Result.STALE_EPOCH, 10, 0, 130);
    endpoint.appendReply = stale;
    assertEquals(stale, answer(transport.append("node-2", sent, DEADLINE)));

    endpoint.appendReply = null;
    assertEquals(sent.lastSeq(), answer(transport.append("node-2", sent, DEADLINE)).matchSeq());
    assertEquals(1, endpoint.appendCalls.stream().distinct().count(), "one stream for both");
  }

  @Test
  void aContact_isAnsweredWhileAnAppendStillRunsOnTheMember() throws Exception {
    Append first = new Append(3, "node-1", 9, 120, 9, List.of(), 119);
    endpoint.appendReply = new AppendReply("node-2", AppendReply.Result.ACCEPTED, 9, 0, 0);
    endpoint.contacted = new Contacted("node-2", 9);
    CountDownLatch appending = new CountDownLatch(1);
    endpoint.before = () -> {
      appending.countDown();
      released.await(10, TimeUnit.SECONDS); // a long write of a large batch
    };
    var running = transport.append("node-2", first, DEADLINE);
    assertTrue(appending.await(10, TimeUnit.SECONDS));

    Contact contact = new Contact(3, "node-1", 9, 1_800); // the lease travels too
    assertEquals(endpoint.contacted,
        transport.contact("node-2", contact, DEADLINE).get(2, TimeUnit.SECONDS));
    assertFalse(running.isDone(), "the append had not been answered yet");
    released.countDown();
    assertEquals(endpoint.appendReply, answer(running));
    assertEquals(List.of(first, contact), endpoint.received);
  }

  @Test
  void aMemberWhoseStoreIsUnavailable_isUnreachableWithUnavailable() {
    endpoint.before = () -> {
      throw new StoreUnavailableException("database gone", null);
    };
    PeerUnreachableException failed =
        unreachable(transport.append("node-2", append(ENTRIES), DEADLINE));
    assertTrue(failed.getMessage().contains("UNAVAILABLE"), failed.getMessage());
    assertTrue(failed.getMessage().contains("node-2"), failed.getMessage());
    assertTrue(failed.getMessage().contains("Replicate"), failed.getMessage());
    assertFalse(failed.getMessage().contains("database gone"), failed.getMessage());
  }

  @Test
  void aMemberThatFails_isUnreachableWithInternal_andItsExceptionTextStaysThere() {
    endpoint.before = () -> {
      throw new IllegalStateException("row 42 of replica_promise is corrupt");
    };
    PeerUnreachableException failed =
        unreachable(transport.newEpoch("node-2", new NewEpoch(3, "node-1", 9), DEADLINE));
    assertTrue(failed.getMessage().contains("INTERNAL"), failed.getMessage());
    assertFalse(failed.getMessage().contains("corrupt"), failed.getMessage());
  }

  @Test
  void aTransportWithAnotherSecret_isUnauthenticated() {
    try (GrpcReplicationTransport wrong = new GrpcReplicationTransport("node-1", GROUP,
        new ClusterSecret("t".repeat(32)), NodeTls.plaintext(),
        Map.of("node-2", "127.0.0.1:" + server.port()))) {
      PeerUnreachableException failed =
          unreachable(wrong.fetch("node-2", new Fetch(3, "node-1", 9, 0, 10), DEADLINE));
      assertTrue(failed.getMessage().contains("UNAUTHENTICATED"), failed.getMessage());
    }
    assertEquals(List.of(), endpoint.received);
  }

  @Test
  void appendsFromATransportWithAnotherSecret_areRefusedWithTheirStream() {
    try (GrpcReplicationTransport wrong = new GrpcReplicationTransport("node-1", GROUP,
        new ClusterSecret("t".repeat(32)), NodeTls.plaintext(),
        Map.of("node-2", "127.0.0.1:" + server.port()))) {
      var first = wrong.append("node-2", append(ENTRIES), DEADLINE);
      var second = wrong.append("node-2", append(List.of()), DEADLINE);
      for (var refused : List.of(first, second)) {
        PeerUnreachableException failed = unreachable(refused);
        assertTrue(failed.getMessage().contains("UNAUTHENTICATED"), failed.getMessage());
        assertTrue(failed.getMessage().contains("Replicate"), failed.getMessage());
      }
    }
    assertEquals(List.of(), endpoint.received);
  }

  @Test
  void aMemberSlowerThanTheDeadline_isUnreachableWithDeadlineExceeded_atTheDeadline() {
    endpoint.before = () -> released.await(10, TimeUnit.SECONDS);
    endpoint.appendReply = new AppendReply("node-2", AppendReply.Result.ACCEPTED, 9, 122, 122);
    long start = System.nanoTime();
    PeerUnreachableException failed =
        unreachable(transport.append("node-2", append(ENTRIES), Duration.ofMillis(300)));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(failed.getMessage().contains("DEADLINE_EXCEEDED"), failed.getMessage());
    assertTrue(tookMillis >= 250 && tookMillis < 2_000, tookMillis + " ms");
  }

  @Test
  void aMemberThisTransportDoesNotKnow_isUnreachable() {
    PeerUnreachableException failed =
        unreachable(transport.newEpoch("node-7", new NewEpoch(3, "node-1", 9), DEADLINE));
    assertTrue(failed.getMessage().contains("node-7"), failed.getMessage());
  }

  @Test
  void aMemberThatIsDown_isUnreachableWithUnavailable() {
    server.close();
    PeerUnreachableException failed =
        unreachable(transport.newEpoch("node-2", new NewEpoch(3, "node-1", 9), DEADLINE));
    assertTrue(failed.getMessage().contains("UNAVAILABLE"), failed.getMessage());
  }

  @Test
  void aMemberThatComesBack_isReachedAtTheNextCall_notAfterGrpcsReconnectBackoff()
      throws Exception {
    endpoint.promise = new Promise("node-2", true, 9, 8, 120, 118);
    NewEpoch ask = new NewEpoch(3, "node-1", 9);
    answer(transport.newEpoch("node-2", ask, DEADLINE));
    int port = server.port();
    server.close();
    unreachable(transport.newEpoch("node-2", ask, DEADLINE)); // the channel now backs off
    server = NodeRpcServer.start("127.0.0.1:" + port, SECRET, NodeTls.plaintext(), GROUP,
        () -> new NodeStatus("node-2", 0, 0, 0, true), endpoint,
        command -> CompletableFuture.failedFuture(new UnsupportedOperationException()));

    // gRPC's own backoff would fail every call for 0.8 to 1.2 s; a leader retries far sooner.
    long start = System.nanoTime();
    Promise promise = null;
    while (promise == null && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500)) {
      try {
        promise = transport.newEpoch("node-2", ask, DEADLINE).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException notYet) {
        assertInstanceOf(PeerUnreachableException.class, notYet.getCause());
        Thread.sleep(20);
      }
    }
    assertEquals(endpoint.promise, promise, "not reached within 500 ms of coming back");
  }

  @Test
  void aMessageFromAnotherSenderOrGroup_isRefusedBeforeItIsSent() {
    assertThrows(IllegalArgumentException.class,
        () -> transport.newEpoch("node-2", new NewEpoch(3, "node-9", 9), DEADLINE));
    assertThrows(IllegalArgumentException.class,
        () -> transport.newEpoch("node-2", new NewEpoch(0, "node-1", 9), DEADLINE));
    assertEquals(List.of(), endpoint.received);
  }
}
