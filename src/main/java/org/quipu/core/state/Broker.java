package org.quipu.core.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;

/**
 * The state machine: the whole replicated state and the rules that change it.
 *
 * <p>{@link #apply} is deterministic: the same commands at the same sequence numbers and times
 * yield the same state and the same {@link #digest()} on every node. A refused command throws
 * before it changes anything and becomes an {@link Outcome.Rejected}. Every mutation is also
 * reported as a {@link Change} for the store.
 *
 * <p>Not thread-safe: the caller serialises {@code apply} and guards reads against it.
 */
public final class Broker {

  /** Room for message positions within one log entry: {@code order = seq * SLOTS + k}. */
  private static final long SLOTS = 1_000_000;

  private final Map<String, User> users = new TreeMap<>();
  private final Map<String, Session> sessions = new TreeMap<>();
  private final Map<String, Session> sessionsByTokenHash = new HashMap<>();
  private final TreeMap<String, QueueState> queues = new TreeMap<>();

  /**
   * Applies one command.
   *
   * @param seq the log sequence number of the command
   * @param now the timestamp of the log entry, the only clock the state machine reads
   * @param changes receives the row-level changes, in order
   */
  public Outcome apply(long seq, long now, Command command, List<Change> changes) {
    try {
      // Java 17 has no pattern switch; the chain ends in an exhaustive fallback.
      if (command instanceof RegisterUser c) return registerUser(c, now, changes);
      if (command instanceof OpenSession c) return openSession(c, now, changes);
      if (command instanceof CloseSession c) return closeSession(c, changes);
      if (command instanceof CreateQueue c) return createQueue(c, now, changes);
      if (command instanceof DeleteQueue c) return deleteQueue(c, changes);
      if (command instanceof SendMessages c) return send(c, seq, now, changes);
      if (command instanceof ReceiveMessages c) return receive(c, seq, now, changes);
      if (command instanceof AckMessages c) return ack(c, changes);
      throw new IllegalArgumentException("unknown command " + command.getClass().getName());
    } catch (BrokerException refused) {
      return new Outcome.Rejected(refused.kind(), refused.getMessage());
    }
  }

  // ---- users and sessions -------------------------------------------------------------------

  private Outcome registerUser(RegisterUser c, long now, List<Change> changes) {
    if (users.containsKey(c.username())) {
      throw BrokerException.conflict("user '" + c.username() + "' already exists");
    }
    User user = new User(c.username(), c.passwordHash(), c.role(), false, now);
    users.put(user.username(), user);
    changes.add(new Change.UserSaved(user));
    return new Outcome.UserRegistered(user);
  }

  private Outcome openSession(OpenSession c, long now, List<Change> changes) {
    User user = users.get(c.username());
    if (user == null) {
      throw BrokerException.notFound("user '" + c.username() + "' does not exist");
    }
    if (user.disabled()) {
      throw BrokerException.forbidden("user '" + c.username() + "' is disabled");
    }
    Session session = new Session(c.sessionId(), c.tokenHash(), c.username(), now, c.expiresAtMillis());
    sessions.put(session.id(), session);
    sessionsByTokenHash.put(session.tokenHash(), session);
    changes.add(new Change.SessionSaved(session));
    return new Outcome.SessionOpened(session, user);
  }

  private Outcome closeSession(CloseSession c, List<Change> changes) {
    Session session = sessions.remove(c.sessionId());
    if (session == null) {
      throw BrokerException.notFound("session '" + c.sessionId() + "' does not exist");
    }
    sessionsByTokenHash.remove(session.tokenHash());
    changes.add(new Change.SessionDeleted(session.id()));
    return new Outcome.Done();
  }

  // ---- queues -------------------------------------------------------------------------------

  private Outcome createQueue(CreateQueue c, long now, List<Change> changes) {
    QueueState existing = queues.get(c.name());
    if (existing != null) {
      QueueDefinition def = existing.definition();
      if (def.owner().equals(c.owner()) && def.attributes().equals(c.attributes())) {
        return new Outcome.QueueCreated(def, false);
      }
      throw BrokerException.conflict("queue '" + c.name() + "' already exists");
    }
    QueueAttributes attrs = c.attributes();
    if ((attrs.deadLetterQueue() == null) != (attrs.maxReceiveCount() == null)) {
      throw BrokerException.invalid("deadLetterQueue and maxReceiveCount must be set together");
    }
    if (attrs.deadLetterQueue() != null) {
      if (attrs.deadLetterQueue().equals(c.name())) {
        throw BrokerException.invalid("a queue cannot be its own dead-letter queue");
      }
      if (!queues.containsKey(attrs.deadLetterQueue())) {
        throw BrokerException.invalid(
            "dead-letter queue '" + attrs.deadLetterQueue() + "' does not exist");
      }
    }
    QueueDefinition def = new QueueDefinition(c.name(), c.owner(), attrs, now);
    queues.put(def.name(), new QueueState(def));
    changes.add(new Change.QueueSaved(def));
    return new Outcome.QueueCreated(def, true);
  }

  private Outcome deleteQueue(DeleteQueue c, List<Change> changes) {
    QueueState queue = existingQueue(c.name());
    requireManager(queue, c.actor());
    if (queue.size() > 0 && !c.force()) {
      throw BrokerException.conflict(
          "queue '" + c.name() + "' has " + queue.size() + " pending messages; use force=true");
    }
    queues.remove(c.name());
    changes.add(new Change.QueueDeleted(c.name()));
    return new Outcome.Done();
  }

  // ---- messages -----------------------------------------------------------------------------

  private Outcome send(SendMessages c, long seq, long now, List<Change> changes) {
    QueueState queue = existingQueue(c.queue());
    requireUser(queue, c.sender());
    Integer maxLength = queue.definition().attributes().maxLength();
    if (maxLength != null && queue.size() + c.messages().size() > maxLength) {
      throw BrokerException.conflict(
          "queue '" + c.queue() + "' is full (maxLength " + maxLength + ")");
    }
    List<String> ids = new ArrayList<>(c.messages().size());
    long order = seq * SLOTS;
    for (SendMessages.NewMessage m : c.messages()) {
      Message message =
          new Message(
              m.id(), c.queue(), order++, m.body(), m.headers(), c.sender(), now,
              now + m.delayMillis(), 0, null, null, null);
      queue.add(message);
      changes.add(new Change.MessageInserted(message));
      ids.add(m.id());
    }
    return new Outcome.MessagesSent(ids);
  }

  private Outcome receive(ReceiveMessages c, long seq, long now, List<Change> changes) {
    QueueState queue = existingQueue(c.queue());
    requireUser(queue, c.actor());
    QueueAttributes attrs = queue.definition().attributes();
    long visibility = c.visibilityMillis() >= 0 ? c.visibilityMillis() : attrs.visibilityTimeoutMillis();
    queue.promote(now);
    List<Message> delivered = new ArrayList<>(c.max());
    long moveOrder = seq * SLOTS;
    Message next;
    while (delivered.size() < c.max() && (next = queue.firstReady()) != null) {
      queue.remove(next);
      if (now - next.sentAtMillis() >= attrs.retentionMillis()) {
        changes.add(new Change.MessageDeleted(next.id()));
        continue;
      }
      QueueState deadLetters =
          attrs.deadLetterQueue() == null ? null : queues.get(attrs.deadLetterQueue());
      if (deadLetters != null && next.receiveCount() >= attrs.maxReceiveCount()) {
        Message moved = next.movedTo(deadLetters.definition().name(), moveOrder++);
        deadLetters.add(moved);
        changes.add(new Change.MessageUpdated(moved));
        continue;
      }
      Message leased =
          next.leasedTo(Receipts.issue(next.id(), next.receiveCount() + 1, c.receiptNonce()),
              now + visibility, now);
      queue.add(leased);
      changes.add(new Change.MessageUpdated(leased));
      delivered.add(leased);
    }
    return new Outcome.MessagesReceived(delivered);
  }

  private Outcome ack(AckMessages c, List<Change> changes) {
    QueueState queue = existingQueue(c.queue());
    requireUser(queue, c.actor());
    int acked = 0;
    List<String> stale = new ArrayList<>();
    for (String receipt : c.receipts()) {
      String id = Receipts.messageId(receipt);
      Message message = id == null ? null : queue.get(id);
      if (message == null || !receipt.equals(message.receipt())) {
        stale.add(receipt);
        continue;
      }
      queue.remove(message);
      changes.add(new Change.MessageDeleted(message.id()));
      acked++;
    }
    return new Outcome.MessagesAcked(acked, stale);
  }

  // ---- authorisation ------------------------------------------------------------------------

  private QueueState existingQueue(String name) {
    QueueState queue = queues.get(name);
    if (queue == null) {
      throw BrokerException.notFound("queue '" + name + "' does not exist");
    }
    return queue;
  }

  private boolean isAdmin(String username) {
    User user = users.get(username);
    return user != null && user.isAdmin();
  }

  /** Owner or admin: browse, purge, patch, redrive, delete. */
  private void requireManager(QueueState queue, String actor) {
    if (!queue.definition().owner().equals(actor) && !isAdmin(actor)) {
      throw BrokerException.forbidden(
          "only the owner of queue '" + queue.definition().name() + "' or an admin may do this");
    }
  }

  /** Send and receive: anyone on a shared queue, otherwise owner or admin. */
  private void requireUser(QueueState queue, String actor) {
    if (!queue.definition().attributes().shared()) {
      requireManager(queue, actor);
    }
  }

  // ---- queries ------------------------------------------------------------------------------

  public Optional<User> user(String username) {
    return Optional.ofNullable(users.get(username));
  }

  public List<User> users() {
    return List.copyOf(users.values());
  }

  public Optional<Session> sessionByTokenHash(String tokenHash) {
    return Optional.ofNullable(sessionsByTokenHash.get(tokenHash));
  }

  public List<Session> sessions() {
    return List.copyOf(sessions.values());
  }

  public Optional<QueueView> queue(String name, long now) {
    QueueState queue = queues.get(name);
    return queue == null
        ? Optional.empty()
        : Optional.of(new QueueView(queue.definition(), queue.counters(now)));
  }

  /** Queues whose names start with {@code prefix}, after {@code afterName}, in name order. */
  public List<QueueView> queues(String prefix, String afterName, int limit, long now) {
    List<QueueView> page = new ArrayList<>(Math.min(limit, 1000));
    var tail = afterName == null ? queues : queues.tailMap(afterName, false);
    for (QueueState queue : tail.values()) {
      String name = queue.definition().name();
      if (prefix != null && !name.startsWith(prefix)) {
        if (name.compareTo(prefix) > 0) {
          break;
        }
        continue;
      }
      if (page.size() == limit) {
        break;
      }
      page.add(new QueueView(queue.definition(), queue.counters(now)));
    }
    return page;
  }

  /** Whether a receive at {@code now} would find a message; false for an unknown queue. */
  public boolean hasVisibleMessage(String queueName, long now) {
    QueueState queue = queues.get(queueName);
    return queue != null && queue.hasVisible(now);
  }

  /** Whether {@code actor} may send to and receive from the queue (for checks before waiting). */
  public void checkQueueUse(String queueName, String actor) {
    requireUser(existingQueue(queueName), actor);
  }

  public List<Message> browse(String queueName, String actor, int limit) {
    QueueState queue = existingQueue(queueName);
    requireManager(queue, actor);
    return queue.browse(limit);
  }

  // ---- loading and digest -------------------------------------------------------------------

  /** Restores state read from the store; used only when a node starts or rebuilds its state. */
  public void restore(
      List<User> storedUsers,
      List<Session> storedSessions,
      List<QueueDefinition> storedQueues,
      Iterable<Message> storedMessages) {
    users.clear();
    sessions.clear();
    sessionsByTokenHash.clear();
    queues.clear();
    storedUsers.forEach(u -> users.put(u.username(), u));
    for (Session s : storedSessions) {
      sessions.put(s.id(), s);
      sessionsByTokenHash.put(s.tokenHash(), s);
    }
    storedQueues.forEach(q -> queues.put(q.name(), new QueueState(q)));
    for (Message m : storedMessages) {
      existingQueue(m.queue()).add(m);
    }
  }

  /** SHA-256 over a canonical rendering of the whole state, to compare replicas. */
  public String digest() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
    users.values().forEach(u -> update(sha, u.toString()));
    sessions.values().forEach(s -> update(sha, s.toString()));
    for (QueueState queue : queues.values()) {
      update(sha, queue.definition().toString());
      List<Message> messages = new ArrayList<>();
      queue.messages().forEach(messages::add);
      messages.sort(Comparator.comparingLong(Message::order));
      for (Message m : messages) {
        update(sha, m.id() + '|' + m.order() + '|' + m.body() + '|' + new TreeMap<>(m.headers())
            + '|' + m.sender() + '|' + m.sentAtMillis() + '|' + m.visibleAtMillis() + '|'
            + m.receiveCount() + '|' + m.receipt() + '|' + m.firstReceivedAtMillis() + '|'
            + m.deadLetteredFrom());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
  }
}
