package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusReply;
import org.quipu.proto.replication.v1.StatusRequest;
import org.quipu.replication.StoreUnavailableException;

/** The node-to-node server over real gRPC on loopback: who may call it, and what it answers. */
class NodeRpcServerTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  private static final NodeStatus STATUS = new NodeStatus("node-2", 7, 120, 118, true);
  private static final StatusRequest ASK = StatusRequest.newBuilder()
      .setCaller(Caller.newBuilder().setNodeId("node-1").setEpoch(7).setGroup(0)).build();

  private NodeRpcServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = NodeRpcServer.start("127.0.0.1:0", SECRET, ClusterPaths.GROUP_0, () -> STATUS);
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
        })) {
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
          () -> NodeRpcServer.start(bad, SECRET, ClusterPaths.GROUP_0, () -> STATUS), bad);
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

  @Test
  void aSecretTooShortToBeSafe_isRefusedAtStartUp() {
    assertThrows(IllegalArgumentException.class, () -> new ClusterSecret("short"));
  }
}
