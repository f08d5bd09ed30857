package org.quipu.core.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One queue's messages, indexed for receive. A message is either in {@code ready} (visible, in
 * FIFO order) or in {@code waiting} (delayed or leased, by the time it becomes visible). A message
 * that was visible from the moment it was sent (no delay, or moved here by a dead-letter or a
 * redrive) goes straight to {@code ready}; the others wait until a receive {@link #promote}s them.
 * The split is an index only: a receive at time {@code now} sees the same set of ready messages
 * whichever side they were on, so it plays no part in the digest or the store.
 *
 * <p>The counters are kept as messages come and go ({@code waitingLeased}, {@code
 * waitingDelayed}), so reading them costs only the waiting messages that have become visible since
 * the last receive — not a walk over the whole backlog.
 */
final class QueueState {

  private static final Comparator<Message> BY_VISIBILITY =
      Comparator.comparingLong(Message::visibleAtMillis).thenComparingLong(Message::order);

  private QueueDefinition definition;
  /** By {@code order}, unique in a queue: a set, not a map keyed by a boxed Long (24 bytes less). */
  private final TreeSet<Message> ready = new TreeSet<>(Comparator.comparingLong(Message::order));
  private final TreeSet<Message> waiting = new TreeSet<>(BY_VISIBILITY);
  private final Map<String, Message> byId = new HashMap<>();
  /** Of the messages in {@code waiting}: how many are leased, and how many are not (delayed). */
  private int waitingLeased;
  private int waitingDelayed;
  /** Every message by age, for retention (moves keep their send time but change position). */
  private final TreeSet<Message> byAge =
      new TreeSet<>(Comparator.comparingLong(Message::sentAtMillis).thenComparing(Message::id));

  QueueState(QueueDefinition definition) {
    this.definition = definition;
  }

  QueueDefinition definition() {
    return definition;
  }

  void redefine(QueueDefinition newDefinition) {
    this.definition = newDefinition;
  }

  int size() {
    return byId.size();
  }

  /**
   * One above the highest order of the messages held ({@code Long.MIN_VALUE} when none): the
   * bound below which a delete or a purge leaves their rows behind (one pass over them).
   */
  long orderBound() {
    long highest = Long.MIN_VALUE;
    for (Message message : byId.values()) {
      highest = Math.max(highest, message.order() + 1);
    }
    return highest;
  }

  /**
   * The lowest order of the messages held ({@code Long.MAX_VALUE} when none): the head of {@code
   * ready}, or lower in {@code waiting} (a delayed or leased message), which is walked.
   */
  long lowestOrder() {
    long lowest = ready.isEmpty() ? Long.MAX_VALUE : ready.first().order();
    for (Message message : waiting) {
      lowest = Math.min(lowest, message.order());
    }
    return lowest;
  }

  Message get(String id) {
    return byId.get(id);
  }

  /**
   * Adds a message: to {@code ready} if it was visible when it was sent, otherwise to {@code
   * waiting} until a receive promotes it. A leased message always waits, so that the receive that
   * leased it cannot deliver it twice.
   */
  void add(Message message) {
    byId.put(message.id(), message);
    byAge.add(message);
    if (!message.leased() && message.visibleAtMillis() <= message.sentAtMillis()) {
      ready.add(message);
    } else {
      addWaiting(message);
    }
  }

  void remove(Message message) {
    byId.remove(message.id());
    byAge.remove(message);
    if (!ready.remove(message) && waiting.remove(message)) {
      countWaiting(message, -1);
    }
  }

  private void addWaiting(Message message) {
    if (waiting.add(message)) {
      countWaiting(message, 1);
    }
  }

  private void countWaiting(Message message, int delta) {
    if (message.leased()) {
      waitingLeased += delta;
    } else {
      waitingDelayed += delta;
    }
  }

  /** Forgets every message at once (a purge, which then adds back those it keeps). */
  void clear() {
    byId.clear();
    byAge.clear();
    ready.clear();
    waiting.clear();
    waitingLeased = 0;
    waitingDelayed = 0;
  }

  void replace(Message old, Message updated) {
    remove(old);
    add(updated);
  }

  /** Moves every message visible at {@code now} into the ready index. */
  void promote(long now) {
    while (!waiting.isEmpty() && waiting.first().visibleAtMillis() <= now) {
      Message message = waiting.pollFirst();
      countWaiting(message, -1);
      ready.add(message);
    }
  }

  /** The oldest ready message, after {@link #promote}; null when none is visible. */
  Message firstReady() {
    return ready.isEmpty() ? null : ready.first();
  }

  /** The oldest message, or null when the queue is empty. */
  Message oldest() {
    return byAge.isEmpty() ? null : byAge.first();
  }

  boolean hasVisible(long now) {
    return !ready.isEmpty() || (!waiting.isEmpty() && waiting.first().visibleAtMillis() <= now);
  }

  /**
   * Counts messages as ready, in flight and delayed at {@code now}, without changing the index:
   * the kept counts, corrected by the waiting messages that are visible by now (the head of
   * {@code waiting}, which the next receive will promote).
   */
  QueueCounters counters(long now) {
    int visibleLeased = 0;
    int visibleDelayed = 0;
    for (Message message : waiting) {
      if (message.visibleAtMillis() > now) {
        break;
      }
      if (message.leased()) {
        visibleLeased++;
      } else {
        visibleDelayed++;
      }
    }
    return new QueueCounters(ready.size() + visibleLeased + visibleDelayed,
        waitingLeased - visibleLeased, waitingDelayed - visibleDelayed);
  }

  /** Messages in FIFO order, without leasing them (browse). */
  List<Message> browse(int limit) {
    List<Message> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparingLong(Message::order));
    return all.subList(0, Math.min(limit, all.size()));
  }

  Iterable<Message> messages() {
    return byId.values();
  }
}
