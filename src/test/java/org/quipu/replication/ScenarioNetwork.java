package org.quipu.replication;

import java.util.Set;

/**
 * The network between the members of a {@link SimulatedCluster}, as the scenario suite drives it:
 * nodes come up and go down, links are cut and healed, and each node calls the others through the
 * {@link ReplicationTransport} this network gives it. Implemented twice, so that the same
 * scenarios run against both (DESIGN.md, "tested twice"): {@link SimulatedNetwork}, seeded and in
 * memory, and {@link GrpcNetwork}, real gRPC servers and transports on loopback.
 *
 * <p>Whatever the implementation: a call to a node that is down or across a cut link fails with
 * {@link PeerUnreachableException} (at once or at its deadline), an answer never crosses a link
 * that was cut while the call ran, and a node that is down sends nothing.
 */
interface ScenarioNetwork extends AutoCloseable {

  /** Makes one for the members of a group; {@code seed} names its pattern of losses, if any. */
  @FunctionalInterface
  interface Factory {
    ScenarioNetwork create(Set<String> members, long seed);
  }

  /**
   * {@code node} has (re)started: it serves {@code endpoint} to the others, and takes the writes
   * they forward to it with {@code target}.
   */
  void up(String node, ReplicaEndpoint endpoint, ForwardTarget target);

  /** {@code node} has crashed: nothing more reaches it or leaves it. */
  void down(String node);

  /** Cuts every link between {@code node} and the others (both ways). */
  void isolate(String node, Set<String> others);

  /** Restores every cut link. */
  void heal();

  /** Which calls a test loses on purpose, by sender, receiver and message. */
  @FunctionalInterface
  interface Filter {
    boolean blocks(String from, String to, Object request);
  }

  /**
   * Loses, from now on, every replication call {@code filter} blocks (decided when it is sent),
   * on top of anything else; the caller sees it fail as unreachable. {@code (f, t, r) -> false}
   * lets everything through again.
   */
  void block(Filter filter);

  /** How {@code sender} calls the others; called once each time the sender starts. */
  ReplicationTransport from(String sender);

  /**
   * How {@code sender} forwards writes to the leader; called once each time the sender starts,
   * after {@link #from}.
   */
  Forwarding forwardingFrom(String sender);

  /**
   * Makes {@code rate} of calls and of answers lost, each taking 0 to {@code maxDelayMillis} each
   * way, where the implementation can.
   */
  ScenarioNetwork lossy(double rate, long maxDelayMillis);

  /** How many calls members have answered so far (every rpc, heartbeats included). */
  long delivered();

  @Override
  void close();
}
