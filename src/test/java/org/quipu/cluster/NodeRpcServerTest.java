package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.Outcome;
import org.quipu.proto.replication.v1.FetchRequest;
import org.quipu.proto.replication.v1.ForwardReply;
import org.quipu.proto.replication.v1.ForwardRequest;
import org.quipu.proto.replication.v1.NewEpochRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusReply;
import org.quipu.proto.replication.v1.StatusRequest;
import org.quipu.replication.Append;
import org.quipu.replication.CommandCodec;
import org.quipu.replication.Committed;
import org.quipu.replication.Fetch;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.NotCommittedException;
import org.quipu.replication.OutcomeCodec;
import org.quipu.replication.StoreUnavailableException;

/** The node-to-node server over real gRPC on loopback: who may call it, and what it answers. */
class NodeRpcServerTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  private static final NodeStatus STATUS = new NodeStatus("node-2", 7, 120, 118, true);
  private static final StatusRequest ASK = StatusRequest.newBuilder()
      .setCaller(Caller.newBuilder().setNodeId("node-1").setEpoch(7).setGroup(0)).build();

  private static final Caller CALLER =
      Caller.newBuilder().setNodeId("node-1").setEpoch(7).setGroup(0).build();

  /** Answers every replication call, counting them; the forward target counts there too. */
  private final CountingEndpoint endpoint = new CountingEndpoint();

  private static final Committed COMMITTED = new Committed(121, new Outcome.MessagesSent(
      List.of("m-1")));
  private static final ForwardRequest FORWARD = ForwardRequest.newBuilder()
      .setCaller(CALLER)
      .setCommand(CommandCodec.toProto(new SendMessages("orders", "alice",
          List.of(new SendMessages.NewMessage("m-1", "hello", Map.of(), 0)))))
      .build();

  /** What the forward target does with a command; it counts as an endpoint call. */
  private volatile ForwardTarget forwardTarget = command -> CompletableFuture.completedFuture(
      COMMITTED);
  private final ForwardTarget forwards = command -> {
    endpoint.calls.incrementAndGet();
    return forwardTarget.submit(command);
  };

  private NodeRpcServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = NodeRpcServer.start("127.0.0.1:0", SECRET, NodeTls.plaintext(), ClusterPaths.GROUP_0,
        () -> STATUS, endpoint, forwards);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private ReplicationGrpc.ReplicationBlockingStub stub() {
    return ReplicationGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  private static Status.Code codeOf(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  @Test
  void aPeerWithTheSecret_getsTheNodesStatus() {
    assertEquals(StatusReply.newBuilder().setNodeId("node-2").setRole(StatusReply.Role.LEADER)
        .setEpoch(7).setLastSeq(120).setAppliedSeq(118).setReady(true).build(),
        stub().withCallCredentials(SECRET.credentials()).status(ASK));
  }

  @Test
  void aNodeThatCannotReadItsLog_isUnavailable() throws Exception {
    try (NodeRpcServer broken = NodeRpcServer.start("127.0.0.1:0", SECRET, NodeTls.plaintext(),
        ClusterPaths.GROUP_0, () -> {
          throw new StoreUnavailableException("down", new java.sql.SQLException("gone"));
        }, endpoint, forwards)) {
      ManagedChannel toBroken =
          NettyChannelBuilder.forAddress("127.0.0.1", broken.port()).usePlaintext().build();
      try {
        assertEquals(Status.Code.UNAVAILABLE, codeOf(() -> ReplicationGrpc
            .newBlockingStub(toBroken).withDeadlineAfter(5, TimeUnit.SECONDS)
            .withCallCredentials(SECRET.credentials()).status(ASK)));
      } finally {
        toBroken.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anAddressThatIsNotHostAndPort_isRefused() {
    for (String bad : new String[] {"127.0.0.1", "127.0.0.1:x", ":9000", "h:70000"}) {
      assertThrows(IllegalArgumentException.class,
          () -> NodeRpcServer.start(bad, SECRET, NodeTls.plaintext(), ClusterPaths.GROUP_0,
              () -> STATUS, endpoint, forwards),
          bad);
    }
  }

  @Test
  void aCallWithoutTheSecretOrWithAnotherOne_isUnauthenticated() {
    assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> stub().status(ASK)));
    ClusterSecret other = new ClusterSecret("t".repeat(32));
    assertEquals(Status.Code.UNAUTHENTICATED,
        codeOf(() -> stub().withCallCredentials(other.credentials()).status(ASK)));
  }

  @Test
  void aCallWithoutADeadline_isRefused() {
    var noDeadline = ReplicationGrpc.newBlockingStub(channel)
        .withCallCredentials(SECRET.credentials());
    assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> noDeadline.status(ASK)));
  }

  @Test
  void aCallForAnotherReplicationGroup_isNotFound() {
    StatusRequest otherGroup = ASK.toBuilder()
        .setCaller(ASK.getCaller().toBuilder().setGroup(3)).build();
    assertEquals(Status.Code.NOT_FOUND,
        codeOf(() -> stub().withCallCredentials(SECRET.credentials()).status(otherGroup)));
  }

  private static AppendRequest append(Caller caller, long prevSeq) {
    return AppendRequest.newBuilder().setCaller(caller).setPrevSeq(prevSeq).setPrevEpoch(6)
        .setCommitSeq(118).build();
  }

  /**
   * Calls {@code rpc} ("NewEpoch", "Replicate", "Append", "Fetch" or "Forward") through {@code
   * stub} as {@code caller}; Replicate as a stream of one append; Append as the deprecated unary
   * call a leader of the version before Replicate sends (a rolling upgrade).
   */
  private static Object call(ReplicationGrpc.ReplicationBlockingStub stub, String rpc,
      Caller caller) {
    return switch (rpc) {
      case "NewEpoch" -> stub.newEpoch(NewEpochRequest.newBuilder().setCaller(caller).build());
      case "Replicate" -> ReplicateRecorder.replicate(stub, List.of(append(caller, 120)));
      case "Append" -> appendUnary(stub, append(caller, 120));
      case "Fetch" -> stub.fetch(FetchRequest.newBuilder().setCaller(caller).setAfterSeq(100)
          .setLimit(50).build());
      case "Forward" -> stub.forward(FORWARD.toBuilder().setCaller(caller).build());
      default -> throw new IllegalArgumentException(rpc);
    };
  }

  @SuppressWarnings("deprecation")
  private static Object appendUnary(ReplicationGrpc.ReplicationBlockingStub stub,
      AppendRequest request) {
    return stub.append(request);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Replicate", "Append", "Fetch", "Forward"})
  void aReplicationCallWithTheSecretADeadlineAndThisGroup_reachesTheEndpoint(String rpc) {
    call(stub().withCallCredentials(SECRET.credentials()), rpc, CALLER);
    assertEquals(1, endpoint.calls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch", "Forward"})
  void aReplicationCallWithoutADeadline_isRefusedBeforeTheEndpoint(String rpc) {
    var noDeadline = ReplicationGrpc.newBlockingStub(channel)
        .withCallCredentials(SECRET.credentials());
    assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> call(noDeadline, rpc, CALLER)));
    assertEquals(0, endpoint.calls.get());
  }

  @Test
  void aReplicateStreamWithoutADeadline_isServed_sinceItsSenderBoundsEachAppend() {
    var noDeadline = ReplicationGrpc.newBlockingStub(channel)
        .withCallCredentials(SECRET.credentials());
    assertEquals(1, ReplicateRecorder.replicate(noDeadline, List.of(append(CALLER, 120))).size());
    assertEquals(1, endpoint.calls.get());
  }

  @Test
  void aReplicateStream_answersEveryAppendSentWithoutWaiting_inTheOrderSent() {
    var replies = ReplicateRecorder.replicate(stub().withCallCredentials(SECRET.credentials()),
        List.of(append(CALLER, 120), append(CALLER, 121), append(CALLER, 122)));
    // The endpoint answers each with its own last seq: the replies line up with the appends.
    assertEquals(List.of(120L, 121L, 122L),
        replies.stream().map(r -> r.getMatchSeq()).toList());
    assertEquals(3, endpoint.calls.get());
  }

  @Test
  void anAppendForAnotherGroup_endsItsStreamWithNotFound_andTheAppendsAfterItAreNotHandled() {
    Caller otherGroup = CALLER.toBuilder().setGroup(3).build();
    var secret = stub().withCallCredentials(SECRET.credentials());
    assertEquals(Status.Code.NOT_FOUND, codeOf(() -> ReplicateRecorder.replicate(secret,
        List.of(append(CALLER, 120), append(otherGroup, 121), append(CALLER, 122)))));
    assertEquals(1, endpoint.calls.get());
  }

  @Test
  void closingTheServer_endsItsOpenReplicateStreamsWithUnavailable_withoutWaitingForThem()
      throws Exception {
    ReplicateRecorder recorder = new ReplicateRecorder();
    StreamObserver<AppendRequest> stream = ReplicationGrpc.newStub(channel)
        .withCallCredentials(SECRET.credentials()).replicate(recorder);
    stream.onNext(append(CALLER, 120));
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> recorder.replies.size() == 1);

    long start = System.nanoTime();
    server.close(); // the stream stays open on the sender's side: it is the member that ends it
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    ExecutionException ended = assertThrows(ExecutionException.class,
        () -> recorder.ended.get(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(ended.getCause()).getCode());
    assertTrue(tookMillis < 2_000, tookMillis + " ms: the server waited for the stream");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Replicate", "Append", "Fetch", "Forward"})
  void aReplicationCallForAnotherGroup_isNotFoundBeforeTheEndpoint(String rpc) {
    Caller otherGroup = CALLER.toBuilder().setGroup(3).build();
    assertEquals(Status.Code.NOT_FOUND,
        codeOf(() -> call(stub().withCallCredentials(SECRET.credentials()), rpc, otherGroup)));
    assertEquals(0, endpoint.calls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Replicate", "Append", "Fetch", "Forward"})
  void aReplicationCallWithoutTheSecretOrWithAnotherOne_isUnauthenticated(String rpc) {
    assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> call(stub(), rpc, CALLER)));
    ClusterSecret other = new ClusterSecret("t".repeat(32));
    assertEquals(Status.Code.UNAUTHENTICATED,
        codeOf(() -> call(stub().withCallCredentials(other.credentials()), rpc, CALLER)));
    assertEquals(0, endpoint.calls.get());
  }

  @Test
  void anAppendWhoseEntryHasNoCommand_isAnInvalidArgumentThatNeverReachesTheEndpoint() {
    AppendRequest noCommand = AppendRequest.newBuilder().setCaller(CALLER).setPrevSeq(120)
        .setPrevEpoch(6).addEntries(org.quipu.proto.command.v1.LogEntry.newBuilder()
            .setSeq(121).setEpoch(7).setTimestampMillis(1_000))
        .build();
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> ReplicateRecorder.replicate(stub().withCallCredentials(SECRET.credentials()),
            List.of(noCommand)));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertEquals("the request cannot be read", refused.getStatus().getDescription());
    assertEquals(0, endpoint.calls.get());
  }

  @Test
  void aForward_isAnsweredWithTheSeqAndOutcomeOfItsCommit() {
    assertEquals(ForwardReply.newBuilder().setSeq(121)
            .setOutcome(OutcomeCodec.toProto(COMMITTED.outcome())).build(),
        stub().withCallCredentials(SECRET.credentials()).forward(FORWARD));
  }

  @Test
  void aForwardWhoseCommandHasNoKind_isAnInvalidArgumentThatNeverReachesTheTarget() {
    ForwardRequest noCommand = ForwardRequest.newBuilder().setCaller(CALLER)
        .setCommand(org.quipu.proto.command.v1.Command.getDefaultInstance()).build();
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> stub().withCallCredentials(SECRET.credentials()).forward(noCommand));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertEquals("the request cannot be read", refused.getStatus().getDescription());
    assertEquals(0, endpoint.calls.get());
  }

  @Test
  void aForwardTheNodeCannotCommit_isUnavailableWithItsReason_andMarkedNotCommitted() {
    CompletableFuture<Committed> later = new CompletableFuture<>();
    forwardTarget = command -> later;
    var pending = ReplicationGrpc.newFutureStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .withCallCredentials(SECRET.credentials()).forward(FORWARD);
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> endpoint.calls.get() == 1);
    later.completeExceptionally(new NotCommittedException("this node stopped leading"));

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> pending.get(5, TimeUnit.SECONDS));
    Status status = Status.fromThrowable(failed.getCause());
    assertEquals(Status.Code.UNAVAILABLE, status.getCode());
    assertEquals("this node stopped leading", status.getDescription());
    assertEquals("true", Status.trailersFromThrowable(failed.getCause())
        .get(ReplicationMessages.NOT_COMMITTED));
  }

  @Test
  void aForwardRefusedAtOnce_isUnavailableAndMarkedNotCommitted() {
    forwardTarget = command -> {
      throw new NotCommittedException("this node is still starting");
    };
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> stub().withCallCredentials(SECRET.credentials()).forward(FORWARD));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertEquals("this node is still starting", refused.getStatus().getDescription());
    assertEquals("true", refused.getTrailers().get(ReplicationMessages.NOT_COMMITTED));
  }

  @Test
  void aForwardWhoseCommitFailsOtherwise_isInternal_andItsExceptionTextStaysHere() {
    forwardTarget = command -> CompletableFuture.failedFuture(
        new IllegalStateException("row 42 of message is corrupt"));
    StatusRuntimeException failed = assertThrows(StatusRuntimeException.class,
        () -> stub().withCallCredentials(SECRET.credentials()).forward(FORWARD));
    assertEquals(Status.Code.INTERNAL, failed.getStatus().getCode());
    assertEquals("the node failed to handle Forward", failed.getStatus().getDescription());
    assertNull(failed.getTrailers().get(ReplicationMessages.NOT_COMMITTED));
  }

  @Test
  void aSecretTooShortToBeSafe_isRefusedAtStartUp() {
    assertThrows(IllegalArgumentException.class, () -> new ClusterSecret("short"));
  }
}
