package org.quipu.replication;

import java.util.Set;
import java.util.stream.LongStream;

/** The scenario suite on the seeded {@link SimulatedNetwork}: drops, delays, reordering. */
class SimulatedReplicationScenariosTest extends ReplicationScenariosTest {

  static LongStream nemesisSeeds() {
    return LongStream.of(11, 12, 13, 14, 15);
  }

  @Override
  ScenarioNetwork network(Set<String> members, long seed) {
    return new SimulatedNetwork(seed);
  }

  @Override
  boolean delaysMessages() {
    return true;
  }

  /** Its one wire thread delivers every call: a member that blocks in one blocks them all. */
  @Override
  boolean membersAnswerWhileOneCallBlocks() {
    return false;
  }
}
