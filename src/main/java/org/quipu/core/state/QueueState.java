package org.quipu.core.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One queue's messages, indexed for receive. A message is either in {@code ready} (visible, in
 * FIFO order) or in {@code waiting} (delayed or leased, by the time it becomes visible). The split
 * is an index only: which side a message is on depends on the last receive's time, never on
 * anything that is replicated, so it plays no part in the digest or the store.
 */
final class QueueState {

  private static final Comparator<Message> BY_VISIBILITY =
      Comparator.comparingLong(Message::visibleAtMillis).thenComparingLong(Message::order);

  private QueueDefinition definition;
  private final TreeMap<Long, Message> ready = new TreeMap<>();
  private final TreeSet<Message> waiting = new TreeSet<>(BY_VISIBILITY);
  private final Map<String, Message> byId = new HashMap<>();
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

  Message get(String id) {
    return byId.get(id);
  }

  /** Adds a message; it is placed by visibility at the next {@link #promote}. */
  void add(Message message) {
    byId.put(message.id(), message);
    byAge.add(message);
    waiting.add(message);
  }

  void remove(Message message) {
    byId.remove(message.id());
    byAge.remove(message);
    if (ready.remove(message.order()) == null) {
      waiting.remove(message);
    }
  }

  void replace(Message old, Message updated) {
    remove(old);
    add(updated);
  }

  /** Moves every message visible at {@code now} into the ready index. */
  void promote(long now) {
    while (!waiting.isEmpty() && waiting.first().visibleAtMillis() <= now) {
      Message message = waiting.pollFirst();
      ready.put(message.order(), message);
    }
  }

  /** The oldest ready message, after {@link #promote}; null when none is visible. */
  Message firstReady() {
    Map.Entry<Long, Message> first = ready.firstEntry();
    return first == null ? null : first.getValue();
  }

  /** The oldest message, or null when the queue is empty. */
  Message oldest() {
    return byAge.isEmpty() ? null : byAge.first();
  }

  boolean hasVisible(long now) {
    return !ready.isEmpty() || (!waiting.isEmpty() && waiting.first().visibleAtMillis() <= now);
  }

  /** Counts messages as ready, in flight and delayed at {@code now}; does not change the index. */
  QueueCounters counters(long now) {
    int inFlight = 0;
    int delayed = 0;
    int visibleWaiting = 0;
    for (Message message : waiting) {
      if (message.visibleAtMillis() <= now) {
        visibleWaiting++;
      } else if (message.leased()) {
        inFlight++;
      } else {
        delayed++;
      }
    }
    return new QueueCounters(ready.size() + visibleWaiting, inFlight, delayed);
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
