package org.quipu.service;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.state.Message;
import org.quipu.core.state.Outcome;
import org.quipu.node.Node;

/**
 * Receive with long polling, holding no thread while it waits. A receive is only committed as a
 * command when a message is visible, so an idle long poll writes nothing to the log. A waiting
 * receive wakes when a batch adds messages to its queue, and at least every {@link
 * #RECHECK_MILLIS} so that delays and expired leases are noticed too.
 */
@ApplicationScoped
public class Receiver {

  private static final long RECHECK_MILLIS = 500;

  @Inject Node node;
  @Inject Writes writes;
  @Inject Reads reads;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;

  @PostConstruct
  void init() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-receive-timer");
      t.setDaemon(true);
      return t;
    });
    node.state().onQueuesChanged(this::wake);
  }

  @PreDestroy
  void shutdown() {
    timer.shutdownNow();
  }

  /**
   * Leases up to {@code max} messages, waiting up to {@code waitMillis} for the first one.
   *
   * @param visibilityMillis the lease, or negative for the queue's default
   */
  public CompletionStage<List<Message>> receive(
      String queue, String actor, int max, long visibilityMillis, long waitMillis) {
    // Authorisation and existence are checked now, so a bad request fails before waiting.
    reads.query(b -> {
      b.checkQueueUse(queue, actor);
      return null;
    });
    Waiter waiter =
        new Waiter(queue, actor, max, visibilityMillis, System.currentTimeMillis() + waitMillis);
    attempt(waiter);
    return waiter.result;
  }

  private void attempt(Waiter w) {
    if (w.result.isDone()) {
      return;
    }
    long now = System.currentTimeMillis();
    boolean visible = reads.query(b -> b.hasVisibleMessage(w.queue, now));
    if (!visible) {
      park(w, now);
      return;
    }
    var command = new ReceiveMessages(w.queue, w.actor, w.max, w.visibilityMillis, nonce());
    writes.execute(command).whenComplete((committed, failed) -> {
      if (failed != null) {
        w.result.completeExceptionally(failed);
        return;
      }
      List<Message> messages = ((Outcome.MessagesReceived) committed.outcome()).messages();
      if (messages.isEmpty()) {
        park(w, System.currentTimeMillis()); // another consumer took them first
      } else {
        w.result.complete(messages);
      }
    });
  }

  private void park(Waiter w, long now) {
    if (now >= w.deadline) {
      w.result.complete(List.of());
      return;
    }
    long parking = ++w.parkings; // a timer from an earlier parking must not wake this one
    waiters.computeIfAbsent(w.queue, q -> ConcurrentHashMap.newKeySet()).add(w);
    long delay = Math.min(RECHECK_MILLIS, w.deadline - now);
    timer.schedule(() -> {
      if (w.parkings == parking && unpark(w)) {
        attempt(w);
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private boolean unpark(Waiter w) {
    Set<Waiter> set = waiters.get(w.queue);
    return set != null && set.remove(w);
  }

  private void wake(Set<String> queues) {
    for (String queue : queues) {
      Set<Waiter> set = waiters.get(queue);
      if (set == null) {
        continue;
      }
      for (Waiter w : new ArrayList<>(set)) {
        if (set.remove(w)) {
          timer.execute(() -> attempt(w));
        }
      }
    }
  }

  private String nonce() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static final class Waiter {
    final String queue;
    final String actor;
    final int max;
    final long visibilityMillis;
    final long deadline;
    final CompletableFuture<List<Message>> result = new CompletableFuture<>();
    volatile long parkings;

    Waiter(String queue, String actor, int max, long visibilityMillis, long deadline) {
      this.queue = queue;
      this.actor = actor;
      this.max = max;
      this.visibilityMillis = visibilityMillis;
      this.deadline = deadline;
    }
  }
}
