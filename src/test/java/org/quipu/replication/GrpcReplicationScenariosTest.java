package org.quipu.replication;

import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;

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

  @Override
  ScenarioNetwork network(Set<String> members, long seed) {
    return new GrpcNetwork(members);
  }
}
