package org.quipu.replication;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.quipu.cluster.ClusterPaths;
import org.quipu.cluster.ClusterSecret;
import org.quipu.cluster.GrpcReplicationTransport;
import org.quipu.cluster.NodeRpcServer;
import org.quipu.cluster.NodeStatus;
import org.quipu.cluster.NodeTls;
import org.quipu.it.LoopbackPorts;

/**
 * The members of a group over real gRPC on loopback, for the scenario suite: each node's endpoint
 * served by a {@link NodeRpcServer} on 127.0.0.1, each node calling the others through a {@link
 * GrpcReplicationTransport}. Each member's port is chosen once, when the network is made, and
 * kept across its restarts, so that the others' channels find it again (gRPC reconnects them).
 *
 * <p>A crash ({@link #down}) closes the node's server and its transport: calls to it fail as
 * gRPC's do (UNAVAILABLE), and it sends nothing more. A cut link is enforced on both sides, since
 * gRPC itself cannot cut one: the sender's transport fails a call across it at once, and an answer
 * that comes back after the link was cut; the receiver refuses a call from a sender it is cut off
 * from (as if its store were unavailable: UNAVAILABLE), in case the call was already on its way.
 * Forward is the exception on the receiver's side: its target is not told who forwards, so a
 * forward already on its way when its link is cut (a window of microseconds on loopback) may
 * still be committed; its answer is lost all the same.
 *
 * <p>{@link #lossy} does nothing: loopback gRPC neither drops nor delays, and faking it here would
 * only repeat {@link SimulatedNetwork}. Partitions and crashes are real; losses are the simulated
 * suite's.
 */
final class GrpcNetwork implements ScenarioNetwork {

  private static final ClusterSecret SECRET = new ClusterSecret("scenario-suite-cluster-secret");
  private static final ClusterPaths GROUP = ClusterPaths.GROUP_0;
  /** How long a restarted node may wait for its port (the old server's sockets closing). */
  private static final long BIND_PATIENCE_MILLIS = 5_000;

  private final Map<String, Integer> ports;
  private final Map<String, NodeRpcServer> servers = new ConcurrentHashMap<>();
  private final Map<String, GrpcReplicationTransport> transports = new ConcurrentHashMap<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private volatile Filter filter = (from, to, request) -> false;
  private final Set<Set<String>> cut = ConcurrentHashMap.newKeySet();
  private final AtomicLong delivered = new AtomicLong();

  GrpcNetwork(Set<String> members) {
    Map<String, Integer> chosen = new HashMap<>();
    for (String member : members) {
      chosen.put(member, LoopbackPorts.free());
    }
    this.ports = Map.copyOf(chosen);
  }

  /**
   * Makes one call over gRPC and back, so that the first scenario does not pay for loading Netty
   * and protobuf: on a busy machine that takes longer than a leader waits for its promises
   * ({@link SimulatedCluster#FAST}'s 600 ms), and the test, which plays ZooKeeper, would not
   * grant it again as the latch would.
   */
  static void warmUp() throws Exception {
    ReplicaEndpoint refusing = new ReplicaEndpoint() {
      @Override
      public Promise newEpoch(NewEpoch request) {
        return new Promise("warm", false, 0, 0, 0, 0);
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
    try (NodeRpcServer server = NodeRpcServer.start("127.0.0.1:0", SECRET, NodeTls.plaintext(),
            GROUP, () -> new NodeStatus("warm", 0, 0, 0, true), refusing,
            command -> CompletableFuture.failedFuture(new NotCommittedException("warm-up")));
        GrpcReplicationTransport transport = new GrpcReplicationTransport("cold", GROUP, SECRET,
            NodeTls.plaintext(), Map.of("warm", "127.0.0.1:" + server.port()))) {
      transport.newEpoch("warm", new NewEpoch(GROUP.group(), "cold", 1), Duration.ofSeconds(30))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private String address(String member) {
    return "127.0.0.1:" + ports.get(member);
  }

  @Override
  public void up(String node, ReplicaEndpoint endpoint, ForwardTarget target) {
    running.add(node);
    NodeStatus.Source status = () -> new NodeStatus(node, 0, 0, 0, true);
    long giveUp = System.currentTimeMillis() + BIND_PATIENCE_MILLIS;
    while (true) {
      try {
        servers.put(node, NodeRpcServer.start(address(node), SECRET, NodeTls.plaintext(), GROUP,
            status, guarded(node, endpoint), target));
        return;
      } catch (IOException notYet) {
        if (System.currentTimeMillis() > giveUp) {
          throw new IllegalStateException(node + " cannot bind " + address(node), notYet);
        }
        sleep(50);
      }
    }
  }

  /** {@code node}'s endpoint as the network lets it be reached: not once down, nor across a cut. */
  private ReplicaEndpoint guarded(String node, ReplicaEndpoint endpoint) {
    return new ReplicaEndpoint() {
      @Override
      public Promise newEpoch(NewEpoch request) throws StoreUnavailableException {
        admit(request.leaderId());
        return counted(endpoint.newEpoch(request));
      }

      @Override
      public AppendReply append(Append request) throws StoreUnavailableException {
        admit(request.leaderId());
        return counted(endpoint.append(request));
      }

      @Override
      public Fetched fetch(Fetch request) throws StoreUnavailableException {
        admit(request.leaderId());
        return counted(endpoint.fetch(request));
      }

      @Override
      public Contacted contact(Contact request) throws StoreUnavailableException {
        admit(request.leaderId());
        return counted(endpoint.contact(request));
      }

      @Override
      public SnapshotReceived installSnapshot(SnapshotChunk chunk)
          throws StoreUnavailableException {
        admit(chunk.leaderId());
        return counted(endpoint.installSnapshot(chunk));
      }

      private void admit(String sender) throws StoreUnavailableException {
        if (!running.contains(node) || !connected(sender, node)) {
          throw new StoreUnavailableException(node + " is down or cut off from " + sender, null);
        }
      }
    };
  }

  private <T> T counted(T reply) {
    delivered.incrementAndGet();
    return reply;
  }

  @Override
  public void down(String node) {
    running.remove(node);
    NodeRpcServer server = servers.remove(node);
    if (server != null) {
      server.close();
    }
    GrpcReplicationTransport transport = transports.remove(node);
    if (transport != null) {
      transport.close();
    }
  }

  @Override
  public void isolate(String node, Set<String> others) {
    others.forEach(o -> {
      if (!o.equals(node)) {
        cut.add(Set.of(node, o));
      }
    });
  }

  @Override
  public void heal() {
    cut.clear();
  }

  private boolean connected(String a, String b) {
    return !cut.contains(Set.of(a, b));
  }

  /** {@code sender}'s transport until it goes down: its appends and its forwards share it. */
  private GrpcReplicationTransport transportOf(String sender) {
    return transports.computeIfAbsent(sender, s -> {
      Map<String, String> others = new HashMap<>();
      ports.keySet().forEach(member -> {
        if (!member.equals(s)) {
          others.put(member, address(member));
        }
      });
      return new GrpcReplicationTransport(s, GROUP, SECRET, NodeTls.plaintext(), others);
    });
  }

  @Override
  public ReplicationTransport from(String sender) {
    GrpcReplicationTransport grpc = transportOf(sender);
    return new ReplicationTransport() {
      @Override
      public CompletableFuture<Promise> newEpoch(String member, NewEpoch request,
          Duration deadline) {
        return across(sender, member, request, () -> grpc.newEpoch(member, request, deadline));
      }

      @Override
      public CompletableFuture<AppendReply> append(String member, Append request,
          Duration deadline) {
        return across(sender, member, request, () -> grpc.append(member, request, deadline));
      }

      @Override
      public CompletableFuture<Fetched> fetch(String member, Fetch request, Duration deadline) {
        return across(sender, member, request, () -> grpc.fetch(member, request, deadline));
      }

      @Override
      public CompletableFuture<Contacted> contact(String member, Contact request,
          Duration deadline) {
        return across(sender, member, request, () -> grpc.contact(member, request, deadline));
      }

      @Override
      public CompletableFuture<SnapshotReceived> installSnapshot(String member,
          SnapshotChunk chunk, Duration deadline) {
        return across(sender, member, chunk,
            () -> grpc.installSnapshot(member, chunk, deadline));
      }
    };
  }

  @Override
  public Forwarding forwardingFrom(String sender) {
    GrpcReplicationTransport grpc = transportOf(sender);
    return (leader, command, deadline) ->
        across(sender, leader, command, () -> grpc.forward(leader, command, deadline));
  }

  /** Makes {@code call} unless the link is cut; an answer that comes back across a cut is lost. */
  private <T> CompletableFuture<T> across(String from, String to, Object request,
      Supplier<CompletableFuture<T>> call) {
    if (filter.blocks(from, to, request)) {
      return CompletableFuture.failedFuture(
          new PeerUnreachableException("the test lost a call from " + from + " to " + to, null));
    }
    if (!connected(from, to)) {
      return CompletableFuture.failedFuture(
          new PeerUnreachableException("the link from " + from + " to " + to + " is cut", null));
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    call.get().whenComplete((reply, failed) -> {
      if (failed != null) {
        answer.completeExceptionally(failed);
      } else if (!connected(from, to)) {
        answer.completeExceptionally(new PeerUnreachableException(
            to + "'s answer to " + from + " was lost: the link was cut", null));
      } else {
        answer.complete(reply);
      }
    });
    return answer;
  }

  @Override
  public void block(Filter filter) {
    this.filter = filter;
  }

  /** Does nothing: see the class comment. */
  @Override
  public GrpcNetwork lossy(double rate, long maxDelayMillis) {
    return this;
  }

  @Override
  public long delivered() {
    return delivered.get();
  }

  @Override
  public void close() {
    Set<String> nodes = new HashSet<>(servers.keySet());
    nodes.addAll(transports.keySet());
    nodes.forEach(this::down);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a port", e);
    }
  }
}
