package org.quipu.replication;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.quipu.core.state.Broker;

/**
 * This node's copy of the replicated state: the {@link Broker}, the sequence number applied to it
 * and the lock that keeps readers off it while a batch is applied. Readers call {@link #read};
 * only the {@link Applier} writes.
 */
public final class ReplicaState {

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> seqWaiters =
      new ConcurrentSkipListMap<>();
  private final List<Consumer<Set<String>>> queueListeners = new CopyOnWriteArrayList<>();
  private Broker broker = new Broker();
  private volatile long appliedSeq;

  public <T> T read(Function<Broker, T> query) {
    lock.readLock().lock();
    try {
      return query.apply(broker);
    } finally {
      lock.readLock().unlock();
    }
  }

  public long appliedSeq() {
    return appliedSeq;
  }

  /** Completes when {@code seq} has been applied here (at once if it already has). */
  public CompletableFuture<Void> whenApplied(long seq) {
    if (seq <= appliedSeq) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> waiter =
        seqWaiters.computeIfAbsent(seq, s -> new CompletableFuture<>());
    if (seq <= appliedSeq) { // applied between the check and the registration
      release(seq);
    }
    return waiter;
  }

  /** Called with the names of queues that may have new visible messages after each batch. */
  public void onQueuesChanged(Consumer<Set<String>> listener) {
    queueListeners.add(listener);
  }

  void withWriteLock(Runnable mutation) {
    lock.writeLock().lock();
    try {
      mutation.run();
    } finally {
      lock.writeLock().unlock();
    }
  }

  Broker brokerForWriter() {
    return broker;
  }

  void replace(Broker restored, long restoredSeq) {
    withWriteLock(() -> {
      broker = restored;
      appliedSeq = restoredSeq;
    });
    release(restoredSeq);
  }

  void advance(long seq, Set<String> changedQueues) {
    appliedSeq = seq;
    release(seq);
    if (!changedQueues.isEmpty()) {
      queueListeners.forEach(l -> l.accept(changedQueues));
    }
  }

  private void release(long upTo) {
    var done = seqWaiters.headMap(upTo, true);
    done.values().forEach(f -> f.complete(null));
    done.clear();
  }
}
