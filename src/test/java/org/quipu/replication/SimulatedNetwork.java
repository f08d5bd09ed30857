package org.quipu.replication;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network between the members of a simulated group, for the replication scenarios: each call
 * and each answer is delivered after a delay, may be dropped, and never crosses a cut link or
 * reaches a node that is down. Every such choice comes from one seeded {@link Random}, so a seed
 * names a pattern of losses and delays (thread timing still varies from run to run). A call that
 * is dropped — on the way there or back — fails with {@link PeerUnreachableException} when its
 * deadline passes, as gRPC's would; the member may have acted on it (a lost answer).
 *
 * <p>Messages are delivered on one thread, in the order their delays expire: with delays, two
 * calls to one member can arrive in the other order, which the protocol must survive.
 */
final class SimulatedNetwork implements ScenarioNetwork {

  private final Random random;
  private final ScheduledExecutorService wire = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "simulated-network");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, ReplicaEndpoint> up = new ConcurrentHashMap<>();
  private final Map<String, ForwardTarget> targets = new ConcurrentHashMap<>();
  private volatile Filter filter = (from, to, request) -> false;
  private final Set<Set<String>> cut = ConcurrentHashMap.newKeySet();
  private volatile double dropRate;
  private volatile long maxDelayMillis;
  private final AtomicLong delivered = new AtomicLong();

  SimulatedNetwork(long seed) {
    this.random = new Random(seed);
  }

  /** {@code rate} of calls and of answers are lost; each takes 0 to {@code maxDelay} each way. */
  @Override
  public SimulatedNetwork lossy(double rate, long maxDelay) {
    this.dropRate = rate;
    this.maxDelayMillis = maxDelay;
    return this;
  }

  @Override
  public long delivered() {
    return delivered.get();
  }

  @Override
  public void up(String node, ReplicaEndpoint endpoint, ForwardTarget target) {
    targets.put(node, target);
    up.put(node, endpoint);
  }

  @Override
  public void down(String node) {
    up.remove(node);
    targets.remove(node);
  }

  /**
   * How {@code sender} forwards writes: like any call, but the answer comes when the target's
   * commit completes (or its deadline passes, as an unknown outcome).
   */
  @Override
  public Forwarding forwardingFrom(String sender) {
    return (leader, command, deadline) -> {
      CompletableFuture<Committed> answer = new CompletableFuture<>();
      wire.schedule(() -> answer.completeExceptionally(new PeerUnreachableException(
          leader + " did not answer a forward", null)), deadline.toMillis(), TimeUnit.MILLISECONDS);
      wire.execute(() -> {
        ForwardTarget target = targets.get(leader);
        if (target == null || !up.containsKey(sender) || !connected(sender, leader)) {
          return;
        }
        target.submit(command).whenComplete((c, e) -> wire.execute(() -> {
          if (!up.containsKey(sender) || !connected(sender, leader)) {
            return;
          }
          if (e != null) {
            answer.completeExceptionally(e instanceof CompletionException ? e.getCause() : e);
          } else {
            answer.complete(c);
          }
        }));
      });
      return answer;
    };
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
  public void block(Filter filter) {
    this.filter = filter;
  }

  @Override
  public void heal() {
    cut.clear();
  }

  boolean connected(String a, String b) {
    return !cut.contains(Set.of(a, b));
  }

  @Override
  public ReplicationTransport from(String sender) {
    return new ReplicationTransport() {
      @Override
      public CompletableFuture<Promise> newEpoch(String member, NewEpoch request,
          Duration deadline) {
        return call(sender, member, deadline, request, e -> e.newEpoch(request));
      }

      @Override
      public CompletableFuture<AppendReply> append(String member, Append request,
          Duration deadline) {
        return call(sender, member, deadline, request, e -> e.append(request));
      }

      @Override
      public CompletableFuture<Fetched> fetch(String member, Fetch request, Duration deadline) {
        return call(sender, member, deadline, request, e -> e.fetch(request));
      }

      @Override
      public CompletableFuture<Contacted> contact(String member, Contact request,
          Duration deadline) {
        return call(sender, member, deadline, request, e -> e.contact(request));
      }

      @Override
      public CompletableFuture<SnapshotReceived> installSnapshot(String member,
          SnapshotChunk chunk, Duration deadline) {
        return call(sender, member, deadline, chunk, e -> e.installSnapshot(chunk));
      }
    };
  }

  @FunctionalInterface
  private interface Call<T> {
    T on(ReplicaEndpoint endpoint) throws StoreUnavailableException;
  }

  private <T> CompletableFuture<T> call(String from, String to, Duration deadline, Object request,
      Call<T> call) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    wire.schedule(() -> answer.completeExceptionally(
        new PeerUnreachableException(to + " did not answer in " + deadline.toMillis() + " ms",
            null)), deadline.toMillis(), TimeUnit.MILLISECONDS);
    long there;
    long back;
    boolean lostThere;
    boolean lostBack;
    synchronized (random) {
      there = maxDelayMillis == 0 ? 0 : random.nextLong(maxDelayMillis + 1);
      back = maxDelayMillis == 0 ? 0 : random.nextLong(maxDelayMillis + 1);
      lostThere = random.nextDouble() < dropRate;
      lostBack = random.nextDouble() < dropRate;
    }
    if (lostThere || filter.blocks(from, to, request)) {
      return answer;
    }
    wire.schedule(() -> {
      ReplicaEndpoint endpoint = up.get(to);
      if (endpoint == null || !up.containsKey(from) || !connected(from, to)) {
        return; // down or cut off: the deadline answers
      }
      T reply;
      try {
        reply = call.on(endpoint);
      } catch (StoreUnavailableException | RuntimeException failed) {
        return; // the member refused the call itself: to the caller, it did not answer
      }
      delivered.incrementAndGet();
      if (lostBack) {
        return;
      }
      wire.schedule(() -> {
        if (up.containsKey(from) && connected(from, to)) {
          answer.complete(reply);
        }
      }, back, TimeUnit.MILLISECONDS);
    }, there, TimeUnit.MILLISECONDS);
    return answer;
  }

  @Override
  public void close() {
    wire.shutdownNow();
  }
}
