package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.Contact;
import org.quipu.replication.Contacted;
import org.quipu.replication.SnapshotChunk;
import org.quipu.replication.SnapshotReceived;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.Leadership;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.Promise;
import org.quipu.replication.ReplicaEndpoint;

/**
 * How a node finds its peers and what they say: members registered in ZooKeeper with their
 * addresses, and each one's status over gRPC.
 */
class MembersAndPeersTest {

  private static final ClusterSecret SECRET = new ClusterSecret("k".repeat(32));
  private static final Leadership.Listener IGNORED = new Leadership.Listener() {
    @Override
    public void onGranted(long epoch) {}

    @Override
    public void onRevoked() {}
  };

  /** These tests call Status only. */
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

  /** These tests call Status only. */
  private static final ForwardTarget NO_FORWARDS = command -> {
    throw new UnsupportedOperationException();
  };

  private TestingServer zookeeper;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    zookeeper.close();
  }

  /** A node: its gRPC server answering {@code status}, and its membership in ZooKeeper. */
  private CuratorLeadership node(String id, NodeStatus status) throws Exception {
    NodeRpcServer rpc = NodeRpcServer.start("127.0.0.1:0", SECRET, NodeTls.plaintext(),
        ClusterPaths.GROUP_0, () -> status, NO_REPLICATION, NO_FORWARDS);
    toClose.add(rpc);
    Member member = new Member(id, "http://127.0.0.1:80" + id.length(), "127.0.0.1:" + rpc.port());
    CuratorLeadership leadership = CuratorLeadership.connect(zookeeper.getConnectString(), 4_000,
        ClusterPaths.GROUP_0, id, member.toZnode(), () -> 0);
    toClose.add(leadership);
    leadership.start(IGNORED);
    return leadership;
  }

  @Test
  void everyRegisteredMember_isListedWithItsAddresses_andAnswersItsStatus() throws Exception {
    NodeStatus statusB = new NodeStatus("b", 0, 40, 38, false);
    CuratorLeadership a = node("a", new NodeStatus("a", 3, 40, 40, true));
    CuratorLeadership b = node("b", statusB);
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> a.members().size() == 2);

    List<Member> members = a.members();
    assertEquals(List.of("a", "b"), members.stream().map(Member::id).toList());
    Member memberB = members.get(1);
    assertEquals("http://127.0.0.1:801", memberB.http());
    try (Peers peers = new Peers("a", ClusterPaths.GROUP_0, SECRET, NodeTls.plaintext())) {
      assertEquals(Optional.of(statusB), peers.status(memberB.id(), memberB.grpc(), 3, 2_000));
    }

    b.close();
    Awaitility.await().atMost(10, TimeUnit.SECONDS)
        .until(() -> a.members().stream().map(Member::id).toList().equals(List.of("a")));
  }

  @Test
  void aPeerThatIsDownOrRefusesUs_hasNoStatus() throws Exception {
    NodeRpcServer rpc = NodeRpcServer.start("127.0.0.1:0", SECRET, NodeTls.plaintext(),
        ClusterPaths.GROUP_0, () -> new NodeStatus("c", 0, 0, 0, true), NO_REPLICATION,
        NO_FORWARDS);
    toClose.add(rpc);
    String address = "127.0.0.1:" + rpc.port();
    try (Peers wrongSecret = new Peers("a", ClusterPaths.GROUP_0,
            new ClusterSecret("w".repeat(32)), NodeTls.plaintext());
        Peers peers = new Peers("a", ClusterPaths.GROUP_0, SECRET, NodeTls.plaintext())) {
      assertTrue(peers.status("c", address, 0, 2_000).isPresent());
      assertEquals(Optional.empty(), wrongSecret.status("c", address, 0, 2_000));
      rpc.close();
      assertEquals(Optional.empty(), peers.status("c", address, 0, 500));
    }
  }

  @Test
  void aMemberZnodeThatIsNotOurs_isKnownByItsNameOnly() {
    assertEquals(new Member("x", null, null), Member.fromZnode("x", "not json".getBytes()));
    assertEquals(new Member("y", "http://h:1", "h:2"), Member.fromZnode("y",
        new Member("y", "http://h:1", "h:2").toZnode()));
  }
}
