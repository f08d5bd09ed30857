package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quipu.cluster.TransportCalls.answer;
import static org.quipu.cluster.TransportCalls.unreachable;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.Outcome;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.FetchRequest;
import org.quipu.proto.replication.v1.ForwardRequest;
import org.quipu.proto.replication.v1.NewEpochRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.proto.replication.v1.StatusRequest;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.CommandCodec;
import org.quipu.replication.Committed;
import org.quipu.replication.Fetch;
import org.quipu.replication.LogPosition;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.PeerUnreachableException;
import org.quipu.replication.SnapshotChunk;
import org.quipu.replication.SnapshotId;

/**
 * Node-to-node gRPC over mutual TLS, on loopback with certificates made in the test: node-2
 * serves with its certificate from the cluster CA, and only a caller with a certificate from that
 * CA naming the node id its request claims gets through; a caller reaches only the node it meant.
 */
class MutualTlsTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  private static final ClusterPaths GROUP = ClusterPaths.GROUP_0;
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final NodeStatus STATUS = new NodeStatus("node-2", 0, 120, 118, true);
  private static final Caller NODE_1_CALLER =
      Caller.newBuilder().setNodeId("node-1").setEpoch(7).setGroup(GROUP.group()).build();
  private static final Committed COMMITTED =
      new Committed(121, new Outcome.MessagesSent(List.of("m-1")));
  private static final SendMessages SEND = new SendMessages("orders", "alice",
      List.of(new SendMessages.NewMessage("m-1", "hello", Map.of(), 0)));

  private static final TestCa CA = TestCa.create("Quipu test cluster CA");
  private static final NodeTls NODE_1 = CA.tlsFor("node-1");
  private static final NodeTls NODE_2 = CA.tlsFor("node-2");
  private static final NodeTls NODE_3 = CA.tlsFor("node-3");

  /** Answers every replication call, counting them; the forward target counts there too. */
  private final CountingEndpoint endpoint = new CountingEndpoint();
  private final ForwardTarget forwards = command -> {
    endpoint.calls.incrementAndGet();
    return CompletableFuture.completedFuture(COMMITTED);
  };

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private String address; // node-2's, serving with node-2's certificate

  @BeforeEach
  void start() throws Exception {
    address = serve(NODE_2);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private String serve(NodeTls tls) throws Exception {
    NodeRpcServer server = NodeRpcServer.start("127.0.0.1:0", SECRET, tls, GROUP, () -> STATUS,
        endpoint, forwards);
    toClose.add(server);
    return "127.0.0.1:" + server.port();
  }

  /** A channel made by hand (one no node builds), closed after the test. */
  private ManagedChannel channel(NettyChannelBuilder builder) {
    ManagedChannel channel = builder.build();
    toClose.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  /** A channel to node-2's address as a node with {@code tls} builds it to {@code memberId}. */
  private ManagedChannel channel(NodeTls tls, String memberId) {
    ManagedChannel channel = tls.channel(memberId, address);
    toClose.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  private static ReplicationGrpc.ReplicationBlockingStub stub(ManagedChannel channel) {
    return ReplicationGrpc.newBlockingStub(channel).withCallCredentials(SECRET.credentials())
        .withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  private static Status.Code codeOf(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  private static StatusRequest askStatus(Caller caller) {
    return StatusRequest.newBuilder().setCaller(caller).build();
  }

  private static AppendRequest append(Caller caller, long prevSeq) {
    return AppendRequest.newBuilder().setCaller(caller).setPrevSeq(prevSeq).setPrevEpoch(6)
        .setCommitSeq(118).build();
  }

  // --- the good path -----------------------------------------------------------------------------

  @Test
  void aNodeWithItsOwnCertificateAndTheSecret_getsStatus_replicatesAndForwards() throws Exception {
    try (Peers peers = new Peers("node-1", GROUP, SECRET, NODE_1);
        GrpcReplicationTransport transport = new GrpcReplicationTransport("node-1", GROUP, SECRET,
            NODE_1, Map.of("node-2", address))) {
      assertEquals(Optional.of(STATUS), peers.status("node-2", address, 0, 5_000));
      AppendReply replicated = answer(transport.append("node-2",
          new Append(GROUP.group(), "node-1", 9, 120, 8, List.of(), 119), DEADLINE));
      assertEquals(AppendReply.Result.ACCEPTED, replicated.result());
      assertEquals(COMMITTED, answer(transport.forward("node-2", SEND, DEADLINE)));
    }
    assertEquals(2, endpoint.calls.get()); // the append and the forward; Status is not counted
  }

  // --- who the caller claims to be ---------------------------------------------------------------

  /**
   * Calls {@code rpc} as node-1 with node-3's certificate: Replicate as one stream, the others
   * unary.
   */
  @ParameterizedTest
  @ValueSource(strings = {"Status", "NewEpoch", "Replicate", "Fetch", "Forward"})
  void aCertificateForAnotherNode_isPermissionDenied_beforeTheEndpoint(String rpc) {
    var asNode3 = stub(channel(NODE_3, "node-2"));
    assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> call(asNode3, rpc, NODE_1_CALLER)));
    assertEquals(0, endpoint.calls.get());
  }

  @Test
  void aSnapshotChunkFromACertificateForAnotherNode_isRefused() throws Exception {
    try (GrpcReplicationTransport asNode3 = new GrpcReplicationTransport("node-1", GROUP, SECRET,
        NODE_3, Map.of("node-2", address))) {
      PeerUnreachableException refused = unreachable(asNode3.installSnapshot("node-2",
          new SnapshotChunk(GROUP.group(), "node-1", 9, new SnapshotId(
              new LogPosition(5_000, 7, 1_700_000_000_123L), 1, "00".repeat(32)), 0,
              new byte[] {1}),
          DEADLINE));
      assertEquals(Status.Code.PERMISSION_DENIED, Status.fromThrowable(refused.getCause())
          .getCode());
    }
    assertEquals(0, endpoint.calls.get());
  }

  @Test
  void aReplicateStream_checksEveryAppend_andEndsAtTheFirstThatClaimsAnotherNode() {
    Caller node3 = NODE_1_CALLER.toBuilder().setNodeId("node-3").build();
    var asNode3 = stub(channel(NODE_3, "node-2"));
    assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> ReplicateRecorder.replicate(asNode3,
        List.of(append(node3, 120), append(NODE_1_CALLER, 121), append(node3, 122)))));
    assertEquals(1, endpoint.calls.get()); // the first append, node-3's own
  }

  // --- who may connect ---------------------------------------------------------------------------

  @Test
  void aClientCertificateFromAnotherCa_isRefusedAtTheHandshake() throws Exception {
    TestCa.Issued rogue = TestCa.create("another CA").issue("node-1");
    SslContext trustsOurCaShowsAnother = GrpcSslContexts.forClient()
        .trustManager(CA.certificate())
        .keyManager(rogue.key(), rogue.certificate())
        .build();
    var rogueClient = stub(channel(NettyChannelBuilder.forTarget(address)
        .sslContext(trustsOurCaShowsAnother).overrideAuthority("node-2")));
    assertEquals(Status.Code.UNAVAILABLE,
        codeOf(() -> rogueClient.status(askStatus(NODE_1_CALLER))));
  }

  @Test
  void aClientWithoutACertificate_isRefusedAtTheHandshake() throws Exception {
    SslContext noCertificate = GrpcSslContexts.forClient().trustManager(CA.certificate()).build();
    var anonymous = stub(channel(NettyChannelBuilder.forTarget(address)
        .sslContext(noCertificate).overrideAuthority("node-2")));
    assertEquals(Status.Code.UNAVAILABLE,
        codeOf(() -> anonymous.status(askStatus(NODE_1_CALLER))));
  }

  @Test
  void aPlaintextClient_isRefused() {
    var plaintext = stub(channel(NettyChannelBuilder.forTarget(address).usePlaintext()));
    assertEquals(Status.Code.UNAVAILABLE,
        codeOf(() -> plaintext.status(askStatus(NODE_1_CALLER))));
  }

  @Test
  void aPlaintextNode_cannotReachATlsNode_norATlsNodeAPlaintextOne() throws Exception {
    try (Peers plaintext = new Peers("node-1", GROUP, SECRET, NodeTls.plaintext());
        Peers tls = new Peers("node-1", GROUP, SECRET, NODE_1)) {
      assertEquals(Optional.empty(), plaintext.status("node-2", address, 0, 2_000));
      String plaintextNode = serve(NodeTls.plaintext());
      assertEquals(Optional.empty(), tls.status("node-2", plaintextNode, 0, 2_000));
    }
  }

  // --- whom the caller reaches -------------------------------------------------------------------

  @Test
  void aNodeThatExpectsNode2_refusesAServerWithNode3sCertificate() throws Exception {
    String node3 = serve(NODE_3);
    try (GrpcReplicationTransport transport = new GrpcReplicationTransport("node-1", GROUP,
        SECRET, NODE_1, Map.of("node-2", node3));
        Peers peers = new Peers("node-1", GROUP, SECRET, NODE_1)) {
      PeerUnreachableException refused = unreachable(transport.forward("node-2", SEND, DEADLINE));
      assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(refused.getCause()).getCode());
      assertEquals(Optional.empty(), peers.status("node-2", node3, 0, 2_000));
      // The same server, reached as the node it is, answers: only the name was wrong.
      assertTrue(peers.status("node-3", node3, 0, 2_000).isPresent());
    }
    assertEquals(0, endpoint.calls.get());
  }

  // --- the node's own files ----------------------------------------------------------------------

  @Test
  void aNodesOwnCertificate_mustNameIt() {
    TestCa.Issued node3 = CA.issue("node-3");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> NodeTls.of("node-1", node3.key(), node3.certificate(), CA.certificate()));
    assertTrue(refused.getMessage().contains("does not name this node, node-1"),
        refused.getMessage());
  }

  @Test
  void pemFilesAsQuipuUpWritesThem_serveAndCall(@TempDir Path dir) throws Exception {
    TestCa.Issued node1 = CA.issue("node-1");
    NodeTls fromFiles = NodeTls.fromPem("node-1",
        TestCa.writePem(dir.resolve("node-1.pem"), "CERTIFICATE",
            node1.certificate().getEncoded()),
        TestCa.writePem(dir.resolve("node-1.key"), "PRIVATE KEY", node1.key().getEncoded()),
        TestCa.writePem(dir.resolve("ca.pem"), "CERTIFICATE", CA.certificate().getEncoded()));
    try (Peers peers = new Peers("node-1", GROUP, SECRET, fromFiles)) {
      assertEquals(Optional.of(STATUS), peers.status("node-2", address, 0, 5_000));
    }
  }

  // --- calls by hand -----------------------------------------------------------------------------

  private static Object call(ReplicationGrpc.ReplicationBlockingStub stub, String rpc,
      Caller caller) {
    return switch (rpc) {
      case "Status" -> stub.status(askStatus(caller));
      case "NewEpoch" -> stub.newEpoch(NewEpochRequest.newBuilder().setCaller(caller).build());
      case "Replicate" -> ReplicateRecorder.replicate(stub, List.of(append(caller, 120)));
      case "Fetch" -> stub.fetch(FetchRequest.newBuilder().setCaller(caller).setAfterSeq(100)
          .setLimit(50).build());
      case "Forward" -> stub.forward(ForwardRequest.newBuilder().setCaller(caller)
          .setCommand(CommandCodec.toProto(SEND)).build());
      default -> throw new IllegalArgumentException(rpc);
    };
  }
}
