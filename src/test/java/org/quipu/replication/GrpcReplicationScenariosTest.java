package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.state.Role;
import org.quipu.replication.SimulatedCluster.SimNode;

/**
 * The scenario suite over real gRPC on loopback ({@link GrpcNetwork}): real servers and
 * transports, real crashes and partitions, no losses or delays. Two nemesis seeds, to keep the
 * run short; the simulated suite runs five.
 */
class GrpcReplicationScenariosTest extends ReplicationScenariosTest {

  @BeforeAll
  static void warmUpGrpc() throws Exception {
    GrpcNetwork.warmUp();
  }

  static LongStream nemesisSeeds() {
    return LongStream.of(11, 12);
  }

  /**
   * A follower may take longer than the contact timeout to make an append durable (a 25 MB batch
   * on a busy disk): the leader must go on leading and commit once the followers have it. Here
   * both followers take 1.5 s per append, more than FAST's 600 ms contact timeout and 200 ms
   * deadline. Breaks if the leader counts a member as in touch only when an append is answered
   * (it steps down: no Contact), or if the member answers Contact only after its running append.
   * Over gRPC only: the simulated network delivers on one thread, which a slow member would hold.
   */
  @Test
  void followersSlowerThanTheContactTimeoutToWrite_keepTheLeaderLeading() throws Exception {
    SimulatedCluster cluster = new SimulatedCluster(3, 31, this::network);
    try {
      SimNode leader = cluster.node("n1");
      cluster.electAndWait(leader);
      leader.submit(new RegisterUser("alice", "h", Role.USER)).get(5, TimeUnit.SECONDS);
      cluster.node("n2").log.appendMillis = 1_500;
      cluster.node("n3").log.appendMillis = 1_500;

      Committed done = leader.submit(new RegisterUser("bob", "h", Role.USER))
          .get(15, TimeUnit.SECONDS);

      assertEquals(3, done.seq(), "the start entry, alice, bob");
      assertEquals(0, leader.leadership.relinquished.get(), "the leader stepped down: "
          + cluster.describe());
      assertTrue(leader.serving());
      cluster.node("n2").log.appendMillis = 0;
      cluster.node("n3").log.appendMillis = 0;
      cluster.awaitConverged();
    } finally {
      cluster.close();
    }
  }

  @Override
  ScenarioNetwork network(Set<String> members, long seed) {
    return new GrpcNetwork(members);
  }
}
