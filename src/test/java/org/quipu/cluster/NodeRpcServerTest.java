package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.FetchRequest;
import org.quipu.proto.replication.v1.NewEpochRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusReply;
import org.quipu.proto.replication.v1.StatusRequest;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.NewEpoch;
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
      return new Fetched("node-2", true, request.epoch(), List.of());
    }
  };

  private NodeRpcServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = NodeRpcServer.start("127.0.0.1:0", SECRET, ClusterPaths.GROUP_0, () -> STATUS,
        endpoint);
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
        }, endpoint)) {
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
          () -> NodeRpcServer.start(bad, SECRET, ClusterPaths.GROUP_0, () -> STATUS, endpoint),
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

  /** Calls {@code rpc} ("NewEpoch", "Append" or "Fetch") through {@code stub} as {@code caller}. */
  private static Object call(ReplicationGrpc.ReplicationBlockingStub stub, String rpc,
      Caller caller) {
    return switch (rpc) {
      case "NewEpoch" -> stub.newEpoch(NewEpochRequest.newBuilder().setCaller(caller).build());
      case "Append" -> stub.append(AppendRequest.newBuilder().setCaller(caller).setPrevSeq(120)
          .setPrevEpoch(6).setCommitSeq(118).build());
      case "Fetch" -> stub.fetch(FetchRequest.newBuilder().setCaller(caller).setAfterSeq(100)
          .setLimit(50).build());
      default -> throw new IllegalArgumentException(rpc);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch"})
  void aReplicationCallWithTheSecretADeadlineAndThisGroup_reachesTheEndpoint(String rpc) {
    call(stub().withCallCredentials(SECRET.credentials()), rpc, CALLER);
    assertEquals(1, endpointCalls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch"})
  void aReplicationCallWithoutADeadline_isRefusedBeforeTheEndpoint(String rpc) {
    var noDeadline = ReplicationGrpc.newBlockingStub(channel)
        .withCallCredentials(SECRET.credentials());
    assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> call(noDeadline, rpc, CALLER)));
    assertEquals(0, endpointCalls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch"})
  void aReplicationCallForAnotherGroup_isNotFoundBeforeTheEndpoint(String rpc) {
    Caller otherGroup = CALLER.toBuilder().setGroup(3).build();
    assertEquals(Status.Code.NOT_FOUND,
        codeOf(() -> call(stub().withCallCredentials(SECRET.credentials()), rpc, otherGroup)));
    assertEquals(0, endpointCalls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NewEpoch", "Append", "Fetch"})
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
  void aSecretTooShortToBeSafe_isRefusedAtStartUp() {
    assertThrows(IllegalArgumentException.class, () -> new ClusterSecret("short"));
  }
}
