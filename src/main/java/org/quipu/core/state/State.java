package org.quipu.core.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated state's data and the authorisation rules every operation shares. Package-private:
 * the rule classes ({@link UserRules}, {@link QueueRules}, {@link MessageRules}, {@link
 * TopicRules}) change it; {@link Broker} is its public face.
 */
final class State {

  /**
   * Users by name, compared ignoring case: {@code alice} and {@code Alice} are one user, so a
   * look-up in any case finds the user, whose own spelling is {@link User#username()}.
   */
  final Map<String, User> users = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  final Map<String, Session> sessions = new TreeMap<>();
  final Map<String, Session> sessionsByTokenHash = new HashMap<>();
  /** User queues and subscriptions' own queues ("topic/sub"), by name. */
  final TreeMap<String, QueueState> queues = new TreeMap<>();
  final TreeMap<String, TopicDefinition> topics = new TreeMap<>();
  /** Subscriptions by topic, then by name. */
  final Map<String, TreeMap<String, Subscription>> subscriptions = new TreeMap<>();
  /** Idempotency records by "user\0key", and the same keys by expiry for cleanup. */
  final Map<String, IdempotencyRecord> idempotency = new TreeMap<>();
  final TreeSet<IdempotencyRecord> idempotencyByExpiry =
      new TreeSet<>(java.util.Comparator.comparingLong(IdempotencyRecord::expiresAtMillis)
          .thenComparing(IdempotencyRecord::user)
          .thenComparing(IdempotencyRecord::key));

  void clear() {
    users.clear();
    sessions.clear();
    sessionsByTokenHash.clear();
    queues.clear();
    topics.clear();
    subscriptions.clear();
    idempotency.clear();
    idempotencyByExpiry.clear();
  }

  static String idempotencyKey(String user, String key) {
    return user + '\0' + key;
  }

  QueueState existingQueue(String name) {
    QueueState queue = queues.get(name);
    if (queue == null) {
      throw BrokerException.notFound("queue '" + name + "' does not exist");
    }
    return queue;
  }

  TopicDefinition existingTopic(String name) {
    TopicDefinition topic = topics.get(name);
    if (topic == null) {
      throw BrokerException.notFound("topic '" + name + "' does not exist");
    }
    return topic;
  }

  boolean isAdmin(String username) {
    User user = users.get(username);
    return user != null && user.isAdmin();
  }

  void requireAdmin(String actor) {
    if (!isAdmin(actor)) {
      throw BrokerException.forbidden("only an admin may do this");
    }
  }

  /** Owner or admin: browse, purge, patch, redrive, delete. */
  void requireManager(QueueState queue, String actor) {
    if (!queue.definition().owner().equals(actor) && !isAdmin(actor)) {
      throw BrokerException.forbidden(
          "only the owner of queue '" + queue.definition().name() + "' or an admin may do this");
    }
  }

  /** Send and receive: anyone on a shared queue, otherwise owner or admin. */
  void requireUser(QueueState queue, String actor) {
    if (!queue.definition().attributes().shared()) {
      requireManager(queue, actor);
    }
  }

  /**
   * Naming a queue as somewhere messages go (a dead-letter queue, a redrive's {@code toQueue}, a
   * subscription's {@code queue}) needs the right to send to it: one rule for all three, so that
   * none of them is a way to write into another user's private queue.
   */
  void requireMaySendTo(QueueState target, String actor) {
    requireUser(target, actor);
  }

  /**
   * The queues whose dead-letter queue is {@code name}. Deleting it would let anyone re-create the
   * name and receive their poison messages, so it is refused while this list is not empty.
   */
  List<String> deadLetterSourcesOf(String name) {
    List<String> sources = new ArrayList<>();
    for (QueueState q : queues.values()) {
      if (name.equals(q.definition().attributes().deadLetterQueue())) {
        sources.add(q.definition().name());
      }
    }
    return sources;
  }

  /**
   * Queues as {@code viewer} may learn of them: quoted names where they could see the queue (their
   * own, a shared one, any for an admin), and a count of the rest, so that no message reveals the
   * name of another user's private queue.
   */
  List<String> asSeenBy(List<String> names, String viewer) {
    List<String> seen = new ArrayList<>();
    int hidden = 0;
    for (String name : names) {
      QueueDefinition q = queues.get(name).definition();
      if (q.attributes().shared() || q.owner().equals(viewer) || isAdmin(viewer)) {
        seen.add("'" + name + "'");
      } else {
        hidden++;
      }
    }
    if (hidden > 0) {
      seen.add(hidden + (hidden == 1 ? " private queue" : " private queues") + " of other users");
    }
    return seen;
  }

  /** What {@code username} owns; a subscription's own queue counts as its subscription. */
  Holdings holdings(String username) {
    long ownedQueues = queues.values().stream()
        .filter(q -> q.definition().owner().equals(username) && q.definition().name().indexOf('/') < 0)
        .count();
    long ownedTopics = topics.values().stream().filter(t -> t.owner().equals(username)).count();
    long ownedSubscriptions = subscriptions.values().stream()
        .flatMap(m -> m.values().stream()).filter(s -> s.owner().equals(username)).count();
    return new Holdings(ownedQueues, ownedTopics, ownedSubscriptions);
  }
}
