package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.quipu.replication.AppendReply;
import org.quipu.replication.CommandCodec;
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
import org.quipu.replication.OutcomeCodec;
import org.quipu.replication.Promise;
import org.quipu.replication.ReplicaEndpoint;
import org.quipu.replication.StoreUnavailableException;

/** The node-to-node server over real gRPC on loopback: who may call it, and what it answers. */
class NodeRpcServerTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  private static final NodeStatus STATUS = new NodeStatus("node-2", 7, 120, 118, true);
  private static final StatusRequest ASK = StatusRequest.newBuilder()
      .setCaller(Caller.newBuilder().setNodeId("node-1").setEpoch(7).setGroup(0)).build();

  private static final Caller CALLER =
      Caller.newBuilder().setNodeId("node-1").setEpoch(7).setGroup(0).build();

  /** Answers every replication call, counting them: a refused call must never reach it. */
  private final AtomicInteger endpointCalls = new AtomicInteger();
  private final ReplicaEndpoint endpoint = new ReplicaEndpoint() {
    @Override
    public Promise newEpoch(NewEpoch request) {
      endpointCalls.incrementAndGet();
      return new Promise("node-2", true, request.epoch(), 6, 120, 118);
    }

    @Override
    public AppendReply append(Append request) {
      endpointCalls.incrementAndGet();
      return new AppendReply("node-2", AppendReply.Result.ACCEPTED, request.epoch(),
          request.lastSeq(), request.lastSeq());
    }

    @Override
    public Fetched fetch(Fetch request) {
      endpointCalls.incrementAndGet();
      return new Fetched("node-2", true, request.epoch(), List.of(), 0);
    }

    @Override
    public Contacted contact(Contact request) {
      endpointCalls.incrementAndGet();
      return new Contacted("node-2", request.epoch());
    }

    @Override
    public SnapshotReceived installSnapshot(SnapshotChunk chunk) {
      endpointCalls.incrementAndGet();
      return new SnapshotReceived("node-2", true, chunk.epoch(), 0, false, 0);
    }
  };

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
    endpointCalls.incrementAndGet();
    return forwardTarget.submit(command);
  };

  private NodeRpcServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = NodeRpcServer.start("127.0.0.1:0", SECRET, ClusterPaths.GROUP_0, () -> STATUS,
        endpoint, forwards);
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
    try (NodeRpcServer broken = NodeRpcServer.start("127.0.0.1:0", SECRET, ClusterPaths.GROUP_0,
        () -> {
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
          () -> NodeRpcServer.start(bad, SECRET, ClusterPaths.GROUP_0, () -> STATUS, endpoint,
              forwards),
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

  /**
   * Calls {@code rpc} ("NewEpoch", "Append", "Fetch" or "Forward") through {@code stub} as {@code
   * caller}.
   */
  private static Object call(ReplicationGrpc.ReplicationBlockingStub stub, String rpc,
      Caller caller) {
    return switch (rpc) {
      case "NewEpoch" -> stub.newEpoch(NewEpochRequest.newBuilder().setCaller(caller).build());
      case "Append" -> stub.append(AppendRequest.newBuilder().setCaller(caller).setPrevSeq(120)
          .setPrevEpoch(6).setCommitSeq(118).build());
      case "Fetch" -> stub.fetch(FetchRequest.newBuilder().setCaller(caller).setAfterSeq(100)
          .setLimit(50).build());
      case "Forward" -> stub.forward(FORWARD.toBuilder().setCaller(caller).build());
      default -> throw new IllegalArgumentException(rpc);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch", "Forward"})
  void aReplicationCallWithTheSecretADeadlineAndThisGroup_reachesTheEndpoint(String rpc) {
    call(stub().withCallCredentials(SECRET.credentials()), rpc, CALLER);
    assertEquals(1, endpointCalls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch", "Forward"})
  void aReplicationCallWithoutADeadline_isRefusedBeforeTheEndpoint(String rpc) {
    var noDeadline = ReplicationGrpc.newBlockingStub(channel)
        .withCallCredentials(SECRET.credentials());
    assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> call(noDeadline, rpc, CALLER)));
    assertEquals(0, endpointCalls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch", "Forward"})
  void aReplicationCallForAnotherGroup_isNotFoundBeforeTheEndpoint(String rpc) {
    Caller otherGroup = CALLER.toBuilder().setGroup(3).build();
    assertEquals(Status.Code.NOT_FOUND,
        codeOf(() -> call(stub().withCallCredentials(SECRET.credentials()), rpc, otherGroup)));
    assertEquals(0, endpointCalls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch", "Forward"})
  void aReplicationCallWithoutTheSecretOrWithAnotherOne_isUnauthenticated(String rpc) {
    assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> call(stub(), rpc, CALLER)));
    ClusterSecret other = new ClusterSecret("t".repeat(32));
    assertEquals(Status.Code.UNAUTHENTICATED,
        codeOf(() -> call(stub().withCallCredentials(other.credentials()), rpc, CALLER)));
    assertEquals(0, endpointCalls.get());
  }

  @Test
  void anAppendWhoseEntryHasNoCommand_isAnInvalidArgumentThatNeverReachesTheEndpoint() {
    AppendRequest noCommand = AppendRequest.newBuilder().setCaller(CALLER).setPrevSeq(120)
        .setPrevEpoch(6).addEntries(org.quipu.proto.command.v1.LogEntry.newBuilder()
            .setSeq(121).setEpoch(7).setTimestampMillis(1_000))
        .build();
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> stub().withCallCredentials(SECRET.credentials()).append(noCommand));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertEquals("the request cannot be read", refused.getStatus().getDescription());
    assertEquals(0, endpointCalls.get());
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
    assertEquals(0, endpointCalls.get());
  }

  @Test
  void aForwardTheNodeCannotCommit_isUnavailableWithItsReason_andMarkedNotCommitted() {
    CompletableFuture<Committed> later = new CompletableFuture<>();
    forwardTarget = command -> later;
    var pending = ReplicationGrpc.newFutureStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .withCallCredentials(SECRET.credentials()).forward(FORWARD);
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> endpointCalls.get() == 1);
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
