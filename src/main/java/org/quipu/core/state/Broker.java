package org.quipu.core.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.DeleteTopic;
import org.quipu.core.command.DeleteUser;
import org.quipu.core.command.DropExpired;
import org.quipu.core.command.ExtendLease;
import org.quipu.core.command.Idempotent;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.Publish;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.StartEpoch;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.Unsubscribe;
import org.quipu.core.command.UpdateQueue;
import org.quipu.core.command.UpdateUser;

/**
 * The state machine: the whole replicated state and the rules that change it.
 *
 * <p>{@link #apply} is deterministic: the same commands at the same sequence numbers and times
 * yield the same state and the same {@link #digest()} on every node. A refused command throws
 * before it changes anything and becomes an {@link Outcome.Rejected}. Every mutation is also
 * reported as a {@link Change} for the store. The rules live in one class per area ({@link
 * UserRules}, {@link QueueRules}, {@link MessageRules}, {@link TopicRules}); this class dispatches,
 * keeps idempotency records, and answers queries.
 *
 * <p>Not thread-safe: the caller serialises {@code apply} and guards reads against it.
 */
public final class Broker {

  /**
   * The most expired messages one command drops: a {@code DropExpired} takes them out of memory
   * (about a microsecond each) and drops their rows with one bound per queue; a receive that finds
   * them at the head of its queue deletes each row in its apply, which every other write waits for,
   * so it stops at {@link #EXPIRED_PER_RECEIVE}.
   */
  public static final int EXPIRED_PER_COMMAND = 100_000;
  static final int EXPIRED_PER_RECEIVE = 1_000;

  private final State state = new State();
  private final UserRules users = new UserRules(state);
  private final QueueRules queues = new QueueRules(state);
  private final MessageRules messages = new MessageRules(state);
  private final TopicRules topics = new TopicRules(state);

  /**
   * Applies one command.
   *
   * @param seq the log sequence number of the command
   * @param now the timestamp of the log entry, the only clock the state machine reads
   * @param changes receives the row-level changes, in order
   */
  public Outcome apply(long seq, long now, Command command, List<Change> changes) {
    expireIdempotencyRecords(now, changes);
    if (command instanceof Idempotent keyed) {
      return applyIdempotent(keyed, seq, now, changes);
    }
    return applyPlain(command, seq, now, changes);
  }

  private Outcome applyPlain(Command command, long seq, long now, List<Change> changes) {
    try {
      // Java 17 has no pattern switch; the chain ends in an exhaustive fallback.
      if (command instanceof RegisterUser c) return users.register(c, now, changes);
      if (command instanceof OpenSession c) return users.openSession(c, now, changes);
      if (command instanceof CloseSession c) return users.closeSession(c, changes);
      if (command instanceof UpdateUser c) return users.update(c, changes);
      if (command instanceof DeleteUser c) return users.delete(c, changes);
      if (command instanceof CreateQueue c) return queues.create(c, now, changes);
      if (command instanceof UpdateQueue c) return queues.update(c, changes);
      if (command instanceof PurgeQueue c) return queues.purge(c, seq, now, changes);
      if (command instanceof DeleteQueue c) return queues.delete(c, changes);
      if (command instanceof SendMessages c) return messages.send(c, seq, now, changes);
      if (command instanceof ReceiveMessages c) return messages.receive(c, seq, now, changes);
      if (command instanceof AckMessages c) return messages.ack(c, changes);
      if (command instanceof ReleaseMessage c) return messages.release(c, now, changes);
      if (command instanceof ExtendLease c) return messages.extend(c, now, changes);
      if (command instanceof RedriveMessages c) return messages.redrive(c, seq, now, changes);
      if (command instanceof CreateTopic c) return topics.create(c, now, changes);
      if (command instanceof DeleteTopic c) return topics.delete(c, changes);
      if (command instanceof Subscribe c) return topics.subscribe(c, now, changes);
      if (command instanceof Unsubscribe c) return topics.unsubscribe(c, changes);
      if (command instanceof Publish c) return topics.publish(c, seq, now, changes);
      if (command instanceof DropExpired) return dropExpired(now, changes);
      if (command instanceof StartEpoch) return new Outcome.Done();
      throw new IllegalArgumentException("unknown command " + command.getClass().getName());
    } catch (BrokerException refused) {
      return new Outcome.Rejected(refused.kind(), refused.getMessage());
    }
  }

  private Outcome applyIdempotent(Idempotent c, long seq, long now, List<Change> changes) {
    IdempotencyRecord first = state.idempotency.get(State.idempotencyKey(c.user(), c.key()));
    if (first != null) {
      if (!first.fingerprint().equals(c.fingerprint())) {
        return new Outcome.Rejected(BrokerException.Kind.CONFLICT,
            "Idempotency-Key '" + c.key() + "' was already used for a different request");
      }
      return new Outcome.Replayed(first.seq(), first.outcome());
    }
    Outcome outcome = applyPlain(c.command(), seq, now, changes);
    IdempotencyRecord record =
        new IdempotencyRecord(c.user(), c.key(), c.fingerprint(), seq, now + c.ttlMillis(), outcome);
    remember(record);
    changes.add(new Change.IdempotencySaved(record));
    return outcome;
  }

  private void remember(IdempotencyRecord record) {
    state.idempotency.put(State.idempotencyKey(record.user(), record.key()), record);
    state.idempotencyByExpiry.add(record);
  }

  private void expireIdempotencyRecords(long now, List<Change> changes) {
    while (!state.idempotencyByExpiry.isEmpty()
        && state.idempotencyByExpiry.first().expiresAtMillis() <= now) {
      IdempotencyRecord expired = state.idempotencyByExpiry.pollFirst();
      state.idempotency.remove(State.idempotencyKey(expired.user(), expired.key()));
      changes.add(new Change.IdempotencyDeleted(expired.user(), expired.key()));
    }
  }

  /**
   * Drops expired sessions, and expired messages up to {@link #EXPIRED_PER_COMMAND}, queue by queue
   * in name order; {@link Outcome.Purged} counts the messages, so the leader sends another while
   * one drops the most.
   *
   * <p>A queue's expired messages are its oldest, so in order (FIFO) they are nearly always below
   * every message it keeps: their rows go with one {@link Change.MessagesDropped} bound, left to
   * the background pass, as a purge's do. Deleting them row by row in the apply held every other
   * write: 10,000 rows took about 4 s on each node. Only an expired message above a kept one (moved
   * here, or kept by a purge, with its old send time) is deleted by its row.
   */
  private Outcome dropExpired(long now, List<Change> changes) {
    int dropped = 0;
    for (QueueState queue : state.queues.values()) {
      long retention = queue.definition().attributes().retentionMillis();
      List<Message> expired = new ArrayList<>();
      Message oldest;
      while (dropped < EXPIRED_PER_COMMAND
          && (oldest = queue.oldest()) != null && now - oldest.sentAtMillis() >= retention) {
        queue.remove(oldest);
        expired.add(oldest);
        dropped++;
      }
      if (expired.isEmpty()) {
        continue;
      }
      long highest = Long.MIN_VALUE;
      for (Message m : expired) {
        highest = Math.max(highest, m.order());
      }
      // Below every message kept, and above the expired ones it can cover.
      long bound = Math.min(queue.lowestOrder(), highest + 1);
      boolean covered = false;
      for (Message m : expired) {
        if (m.order() < bound) {
          covered = true;
        } else {
          changes.add(new Change.MessageDeleted(m.id()));
        }
      }
      if (covered) {
        changes.add(new Change.MessagesDropped(queue.definition().name(), bound));
      }
    }
    List<Session> expired = new ArrayList<>();
    for (Session s : state.sessions.values()) {
      if (s.expiresAtMillis() <= now) {
        expired.add(s);
      }
    }
    for (Session s : expired) {
      state.sessions.remove(s.id());
      state.sessionsByTokenHash.remove(s.tokenHash());
      changes.add(new Change.SessionDeleted(s.id()));
    }
    return new Outcome.Purged(dropped);
  }

  /** Whether a {@link DropExpired} at {@code now} would drop anything (so idle nodes log nothing). */
  public boolean hasExpired(long now) {
    for (QueueState queue : state.queues.values()) {
      Message oldest = queue.oldest();
      if (oldest != null && now - oldest.sentAtMillis() >= queue.definition().attributes().retentionMillis()) {
        return true;
      }
    }
    for (Session s : state.sessions.values()) {
      if (s.expiresAtMillis() <= now) {
        return true;
      }
    }
    return false;
  }

  // ---- queries ------------------------------------------------------------------------------

  public Optional<User> user(String username) {
    return Optional.ofNullable(state.users.get(username));
  }

  /** What a user owns (a user who owns anything cannot be deleted). */
  public Holdings holdings(String username) {
    return state.holdings(username);
  }

  public List<User> users() {
    return List.copyOf(state.users.values());
  }

  public Optional<Session> sessionByTokenHash(String tokenHash) {
    return Optional.ofNullable(state.sessionsByTokenHash.get(tokenHash));
  }

  public List<Session> sessions() {
    return List.copyOf(state.sessions.values());
  }

  /**
   * The queues that name {@code queue} as their dead-letter queue, as {@code viewer} may learn of
   * them (names of queues they could see, a count of other users' private ones); empty when none.
   */
  public List<String> deadLetterSourcesAsSeenBy(String queue, String viewer) {
    return state.asSeenBy(state.deadLetterSourcesOf(queue), viewer);
  }

  /** A queue as {@code viewer} may see it: a private queue is 403 for anyone but owner and admins. */
  public QueueView queueFor(String name, String viewer, long now) {
    QueueState queue = state.existingQueue(name);
    state.requireUser(queue, viewer);
    return new QueueView(queue.definition(), queue.counters(now));
  }

  public Optional<QueueView> queue(String name, long now) {
    QueueState queue = state.queues.get(name);
    return queue == null
        ? Optional.empty()
        : Optional.of(new QueueView(queue.definition(), queue.counters(now)));
  }

  /**
   * User queues whose names start with {@code prefix}, after {@code afterName}, in name order,
   * that {@code viewer} may see: shared queues and their own; an admin sees all.
   */
  public List<QueueView> queues(String prefix, String afterName, int limit, long now, String viewer) {
    boolean admin = state.isAdmin(viewer);
    List<QueueView> page = new ArrayList<>(Math.min(limit, 1000));
    String from = prefix == null ? "" : prefix;
    if (afterName != null && afterName.compareTo(from) >= 0) {
      from = afterName;
    }
    boolean skipFrom = afterName != null && from.equals(afterName);
    for (QueueState queue : state.queues.tailMap(from, !skipFrom).values()) {
      String name = queue.definition().name();
      if (prefix != null && !name.startsWith(prefix)) {
        break;
      }
      if (name.indexOf('/') >= 0) {
        continue; // a subscription's own queue, listed under its topic
      }
      if (!admin && !queue.definition().attributes().shared()
          && !queue.definition().owner().equals(viewer)) {
        continue; // a private queue is none of the viewer's business
      }
      if (page.size() == limit) {
        break;
      }
      page.add(new QueueView(queue.definition(), queue.counters(now)));
    }
    return page;
  }

  /**
   * Every queue {@code viewer} may see, in name order: shared queues, their own, and (for an
   * admin) all; subscription queues ({@code topic/subscription}) only when {@code
   * withSubscriptionQueues}.
   */
  public List<QueueView> visibleQueues(String viewer, boolean withSubscriptionQueues, long now) {
    boolean admin = state.isAdmin(viewer);
    List<QueueView> visible = new ArrayList<>();
    for (QueueState queue : state.queues.values()) {
      QueueDefinition definition = queue.definition();
      if (!withSubscriptionQueues && definition.name().indexOf('/') >= 0) {
        continue;
      }
      if (admin || definition.attributes().shared() || definition.owner().equals(viewer)) {
        visible.add(new QueueView(definition, queue.counters(now)));
      }
    }
    return visible;
  }

  /**
   * Messages of a queue its owner or an admin may browse, in FIFO order, that {@code filter}
   * accepts, at most {@code limit}; without leasing them or counting a receive.
   */
  public List<Message> browse(String queueName, String actor, Predicate<Message> filter, int limit) {
    QueueState queue = state.existingQueue(queueName);
    state.requireManager(queue, actor);
    List<Message> all = new ArrayList<>(queue.size());
    queue.messages().forEach(m -> {
      if (filter.test(m)) {
        all.add(m);
      }
    });
    all.sort(Comparator.comparingLong(Message::order));
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  /** One message of a queue, for its owner or an admin. */
  public Optional<Message> message(String queueName, String actor, String id) {
    QueueState queue = state.existingQueue(queueName);
    state.requireManager(queue, actor);
    return Optional.ofNullable(queue.get(id));
  }

  /** Whether a receive at {@code now} would find a message; false for an unknown queue. */
  public boolean hasVisibleMessage(String queueName, long now) {
    QueueState queue = state.queues.get(queueName);
    return queue != null && queue.hasVisible(now);
  }

  /** Whether {@code actor} may send to and receive from the queue (checked before waiting). */
  public void checkQueueUse(String queueName, String actor) {
    state.requireUser(state.existingQueue(queueName), actor);
  }

  /**
   * A page of a queue's messages in FIFO order, for its owner or an admin: at most {@code limit}
   * whose {@code order} is above {@code afterOrder} (a page's last; {@code -1} from the start).
   */
  public List<Message> browse(String queueName, String actor, long afterOrder, int limit) {
    QueueState queue = state.existingQueue(queueName);
    state.requireManager(queue, actor);
    return browse(queueName, actor, m -> m.order() > afterOrder, limit);
  }

  public List<TopicDefinition> topics() {
    return List.copyOf(state.topics.values());
  }

  public Optional<TopicView> topic(String name, long now) {
    TopicDefinition topic = state.topics.get(name);
    if (topic == null) {
      return Optional.empty();
    }
    List<TopicView.SubscriptionView> subs = new ArrayList<>();
    for (Subscription s : state.subscriptions.getOrDefault(name, new TreeMap<>()).values()) {
      QueueState target = state.queues.get(s.targetQueue());
      subs.add(new TopicView.SubscriptionView(s,
          target == null ? new QueueCounters(0, 0, 0) : target.counters(now)));
    }
    return Optional.of(new TopicView(topic, subs));
  }

  public Optional<Subscription> subscription(String topic, String name) {
    return Optional.ofNullable(state.subscriptions.getOrDefault(topic, new TreeMap<>()).get(name));
  }

  /** The name of every queue, subscription queues included (no counters computed). */
  public Set<String> queueNames() {
    return Set.copyOf(state.queues.keySet());
  }

  // ---- loading and digest -------------------------------------------------------------------

  /** Replaces the whole state with one read from the store (node start or recovery). */
  public void restore(Snapshot snapshot) {
    state.clear();
    snapshot.users().forEach(u -> state.users.put(u.username(), u));
    for (Session s : snapshot.sessions()) {
      state.sessions.put(s.id(), s);
      state.sessionsByTokenHash.put(s.tokenHash(), s);
    }
    snapshot.queues().forEach(q -> state.queues.put(q.name(), new QueueState(q)));
    for (Message m : snapshot.messages()) {
      state.existingQueue(m.queue()).add(m);
    }
    snapshot.topics().forEach(t -> state.topics.put(t.name(), t));
    for (Subscription s : snapshot.subscriptions()) {
      state.subscriptions.computeIfAbsent(s.topic(), t -> new TreeMap<>()).put(s.name(), s);
    }
    snapshot.idempotency().forEach(this::remember);
  }

  /**
   * SHA-256 over a canonical rendering of the whole state, to compare replicas. Message contents
   * are not in memory and not in it: they are fixed when a message is sent, and the log has them.
   */
  public String digest() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
    state.users.values().forEach(u -> update(sha, u.toString()));
    state.sessions.values().forEach(s -> update(sha, s.toString()));
    state.topics.values().forEach(t -> update(sha, t.toString()));
    state.subscriptions.values().forEach(m -> m.values().forEach(s -> update(sha, s.toString())));
    state.idempotency.values().forEach(r -> update(sha, r.toString()));
    for (QueueState queue : state.queues.values()) {
      update(sha, queue.definition().toString());
      List<Message> all = new ArrayList<>();
      queue.messages().forEach(all::add);
      all.sort(Comparator.comparingLong(Message::order));
      for (Message m : all) {
        update(sha, m.id() + '|' + m.order() + '|' + m.sender() + '|' + m.sentAtMillis() + '|' + m.visibleAtMillis() + '|'
            + m.receiveCount() + '|' + m.receipt() + '|' + m.firstReceivedAtMillis() + '|'
            + m.deadLetteredFrom() + '|' + m.history());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
  }
}
