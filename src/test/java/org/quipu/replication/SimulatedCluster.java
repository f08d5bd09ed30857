package org.quipu.replication;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.quipu.core.command.Command;
import org.quipu.core.state.Broker;

/**
 * A replication group of in-process nodes over a {@link ScenarioNetwork} (simulated, or real gRPC
 * on loopback), for the scenario suite of DESIGN.md. Each node is the real {@link WritePath}
 * (proposer, leader term, replicators, replica log, applier) on in-memory stores that survive its
 * crash and restart. The test plays ZooKeeper: {@link #elect} grants a node a fresh epoch, and a
 * leader that gives its leadership back is noted in {@link SimNode#relinquished}.
 */
final class SimulatedCluster implements AutoCloseable {

  /** The scenarios pipeline appends, so that reordered, refused and lost ones are exercised. */
  static final int APPENDS_IN_FLIGHT = 4;

  static final ReplicationSettings FAST = new ReplicationSettings(Duration.ofMillis(20),
      Duration.ofMillis(200), Duration.ofMillis(600), Duration.ofMillis(30), 50,
      Duration.ofMillis(400), APPENDS_IN_FLIGHT);

  /** Leadership as the test hands it out. */
  static final class SimLeadership implements Leadership {
    private Leadership.Listener listener;
    final AtomicLong relinquished = new AtomicLong();

    @Override
    public synchronized void start(Listener l) {
      this.listener = l;
    }

    synchronized void grant(long epoch) {
      listener.onGranted(epoch);
    }

    synchronized void revoke() {
      if (listener != null) {
        listener.onRevoked();
      }
    }

    @Override
    public void relinquish(String why) {
      relinquished.incrementAndGet();
      Leadership.Listener l;
      synchronized (this) {
        l = listener;
      }
      l.onRevoked();
    }
  }

  /** One member: its durable stores outlive {@link #crash}; the rest is rebuilt by {@link #start}. */
  final class SimNode {
    final String id;
    final InMemoryCommandLog log = new InMemoryCommandLog();
    final InMemoryPromiseStore promises = new InMemoryPromiseStore();
    final InMemoryStateStore store = new InMemoryStateStore();
    /** Where its snapshots are written and received: outlives a crash, as a disk would. */
    final Path snapshotDir;
    ReplicaState state;
    WritePath writes;
    /** Runs its callers' continuations, as the node's answer pool does: never the applier. */
    ExecutorService answers;
    SimLeadership leadership;
    volatile boolean running;

    SimNode(String id) {
      this.id = id;
      try {
        this.snapshotDir = Files.createTempDirectory("quipu-sim-" + id + "-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void start() {
      state = new ReplicaState();
      leadership = new SimLeadership();
      answers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "sim-answer-" + id);
        t.setDaemon(true);
        return t;
      });
      writes = new WritePath(id, 0, members.keySet(), log, promises, store, state, leadership,
          network.from(id), network.forwardingFrom(id), settings, clock::incrementAndGet, 64,
          answers);
      if (retainEntries > 0) {
        writes.compact(new WritePath.Compaction(snapshotDir, retainEntries,
            Duration.ofMillis(20)));
      }
      writes.start();
      await().atMost(5, TimeUnit.SECONDS).until(() -> writes.replica() != null);
      network.up(id, writes.endpoint(), writes::submitLocally);
      running = true;
    }

    /** Gone at once: nothing more in or out; its durable stores keep what they hold. */
    void crash() {
      running = false;
      network.down(id);
      writes.close();
      answers.shutdownNow();
    }

    CompletableFuture<Committed> submit(Command command) {
      return writes.submit(command);
    }

    boolean serving() {
      return running && writes.serving();
    }

    long appliedSeq() {
      return state.appliedSeq();
    }

    String digest() {
      return state.read(Broker::digest);
    }
  }

  final ScenarioNetwork network;
  final Map<String, SimNode> members = new LinkedHashMap<>();
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final ReplicationSettings settings;
  /** How many entries each node's log keeps when it compacts; 0: it never does. */
  private final long retainEntries;
  private long epoch;

  SimulatedCluster(int size, long seed, ScenarioNetwork.Factory networks) {
    this(size, seed, networks, FAST);
  }

  SimulatedCluster(int size, long seed, ScenarioNetwork.Factory networks,
      ReplicationSettings settings) {
    this(size, seed, networks, settings, 0);
  }

  /** Its nodes' logs keep {@code retainEntries} before what they applied; 0: they keep all. */
  SimulatedCluster(int size, long seed, ScenarioNetwork.Factory networks,
      ReplicationSettings settings, long retainEntries) {
    this.settings = settings;
    this.retainEntries = retainEntries;
    for (int i = 1; i <= size; i++) {
      members.put("n" + i, null);
    }
    network = networks.create(Set.copyOf(members.keySet()), seed);
    for (String id : List.copyOf(members.keySet())) {
      members.put(id, new SimNode(id));
    }
    members.values().forEach(SimNode::start);
  }

  SimNode node(String id) {
    return members.get(id);
  }

  List<SimNode> running() {
    List<SimNode> up = new ArrayList<>();
    members.values().forEach(n -> {
      if (n.running) {
        up.add(n);
      }
    });
    return up;
  }

  /**
   * Grants {@code node} the next epoch, as ZooKeeper's latch and versioned counter would; does
   * not revoke the old leader (a leader whose session has not expired yet still believes it
   * leads — the protocol, not the election, must keep them apart).
   */
  synchronized long elect(SimNode node) {
    long granted = ++epoch;
    node.leadership.grant(granted);
    return granted;
  }

  /** Elects {@code node} and waits until it serves. */
  long electAndWait(SimNode node) {
    long granted = elect(node);
    try {
      await().atMost(10, TimeUnit.SECONDS).until(node::serving);
    } catch (ConditionTimeoutException e) {
      StringBuilder threads = new StringBuilder();
      Thread.getAllStackTraces().forEach((t, stack) -> {
        if (t.getName().startsWith("quipu-proposer") || t.getName().startsWith("simulated")) {
          threads.append("\n").append(t.getName()).append(' ').append(t.getState());
          for (int i = 0; i < Math.min(12, stack.length); i++) {
            threads.append("\n    at ").append(stack[i]);
          }
        }
      });
      throw new AssertionError(node.id + " does not serve epoch " + granted + ": " + describe()
          + threads, e);
    }
    return granted;
  }

  /** Every node's view, for a failure message. */
  String describe() {
    StringBuilder out = new StringBuilder();
    for (SimNode n : members.values()) {
      ReplicaLog r = n.writes.replica();
      out.append(String.format("%n  %s running=%s serving=%s relinquished=%d", n.id, n.running,
          n.serving(), n.leadership.relinquished.get()));
      if (r != null) {
        out.append(String.format(" promised=%d last=(%d,%d) committed=%d applied=%d healthy=%s",
            r.promisedEpoch(), r.lastEpoch(), r.lastSeq(), r.committedSeq(), n.appliedSeq(),
            r.healthy()));
      }
    }
    return out.toString();
  }

  /** Waits until every running node has applied the same seq and holds the same state. */
  void awaitConverged() {
    await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
      List<SimNode> up = running();
      long seq = up.get(0).appliedSeq();
      String digest = up.get(0).digest();
      for (SimNode n : up) {
        if (n.appliedSeq() != seq || !n.digest().equals(digest)) {
          return false;
        }
      }
      return true;
    });
  }

  Set<String> ids() {
    return members.keySet();
  }

  @Override
  public void close() {
    members.values().forEach(n -> {
      if (n.running) {
        n.crash();
      }
    });
    network.close();
    for (SimNode n : members.values()) {
      try (var files = Files.walk(n.snapshotDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
