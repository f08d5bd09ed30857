package org.quipu.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.ExtendLease;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.command.SendMessages;

/**
 * Messages in queues: send, receive (lease), ack, release, extend, and redrive from a dead-letter
 * queue. Positions are {@code seq * SLOTS + k}, so FIFO order follows the log.
 */
final class MessageRules {

  /** Room for message positions within one log entry. */
  static final long SLOTS = 1_000_000;

  private final State state;

  MessageRules(State state) {
    this.state = state;
  }

  Outcome send(SendMessages c, long seq, long now, List<Change> changes) {
    QueueState queue = state.existingQueue(c.queue());
    state.requireUser(queue, c.sender());
    requireRoom(queue, c.messages().size());
    List<String> ids = new ArrayList<>(c.messages().size());
    long order = seq * SLOTS;
    for (SendMessages.NewMessage m : c.messages()) {
      insert(queue, m.id(), order++, m.body(), m.headers(), c.sender(), now, now + m.delayMillis(),
          changes);
      ids.add(m.id());
    }
    return new Outcome.MessagesSent(ids);
  }

  static void requireRoom(QueueState queue, int adding) {
    Integer maxLength = queue.definition().attributes().maxLength();
    if (maxLength != null && queue.size() + adding > maxLength) {
      throw BrokerException.conflict(
          "queue '" + queue.definition().name() + "' is full (maxLength " + maxLength + ")");
    }
  }

  static void insert(QueueState queue, String id, long order, String body,
      Map<String, String> headers, String sender, long now, long visibleAt, List<Change> changes) {
    Message message = new Message(id, queue.definition().name(), order, sender, now,
        visibleAt, 0, null, null, null, List.of());
    queue.add(message);
    changes.add(new Change.MessageInserted(message, new MessageContent(body, headers)));
  }

  Outcome receive(ReceiveMessages c, long seq, long now, List<Change> changes) {
    QueueState queue = state.existingQueue(c.queue());
    state.requireUser(queue, c.actor());
    QueueAttributes attrs = queue.definition().attributes();
    long visibility =
        c.visibilityMillis() >= 0 ? c.visibilityMillis() : attrs.visibilityTimeoutMillis();
    QueueState deadLetters =
        attrs.deadLetterQueue() == null ? null : state.queues.get(attrs.deadLetterQueue());
    queue.promote(now);
    List<Message> delivered = new ArrayList<>(c.max());
    long moveOrder = seq * SLOTS;
    int deadLettered = 0;
    int expired = 0;
    Message next;
    while (delivered.size() < c.max() && expired < Broker.EXPIRED_PER_RECEIVE
        && (next = queue.firstReady()) != null) {
      queue.remove(next);
      if (now - next.sentAtMillis() >= attrs.retentionMillis()) {
        changes.add(new Change.MessageDeleted(next.id()));
        expired++; // past the cap, the receive answers what it has; housekeeping drops the rest
        continue;
      }
      if (deadLetters != null && next.receiveCount() >= attrs.maxReceiveCount()) {
        Message moved = next.movedTo(deadLetters.definition().name(), moveOrder++, now);
        deadLetters.add(moved);
        changes.add(new Change.MessageUpdated(moved));
        deadLettered++;
        continue;
      }
      String receipt = Receipts.issue(next.id(), next.receiveCount() + 1, c.receiptNonce());
      Message leased = next.leasedTo(receipt, now + visibility, now, c.actor());
      queue.add(leased);
      changes.add(new Change.MessageUpdated(leased));
      delivered.add(leased);
    }
    return new Outcome.MessagesReceived(delivered,
        deadLettered == 0 ? null : deadLetters.definition().name(), deadLettered);
  }

  Outcome ack(AckMessages c, List<Change> changes) {
    QueueState queue = state.existingQueue(c.queue());
    state.requireUser(queue, c.actor());
    int acked = 0;
    List<String> stale = new ArrayList<>();
    for (String receipt : c.receipts()) {
      Message message = current(queue, receipt);
      if (message == null) {
        stale.add(receipt);
        continue;
      }
      queue.remove(message);
      changes.add(new Change.MessageDeleted(message.id()));
      acked++;
    }
    return new Outcome.MessagesAcked(acked, stale);
  }

  Outcome release(ReleaseMessage c, long now, List<Change> changes) {
    QueueState queue = state.existingQueue(c.queue());
    state.requireUser(queue, c.actor());
    Message message = leased(queue, c.receipt());
    Message released = message.released(now + c.delayMillis());
    queue.replace(message, released);
    changes.add(new Change.MessageUpdated(released));
    return new Outcome.Done();
  }

  Outcome extend(ExtendLease c, long now, List<Change> changes) {
    QueueState queue = state.existingQueue(c.queue());
    state.requireUser(queue, c.actor());
    Message message = leased(queue, c.receipt());
    Message extended = message.leaseUntil(now + c.visibilityMillis());
    queue.replace(message, extended);
    changes.add(new Change.MessageUpdated(extended));
    return new Outcome.Done();
  }

  Outcome redrive(RedriveMessages c, long seq, long now, List<Change> changes) {
    QueueState source = state.existingQueue(c.queue());
    state.requireManager(source, c.actor());
    QueueState fixedTarget = null;
    if (c.toQueue() != null) {
      fixedTarget = state.existingQueue(c.toQueue());
      state.requireMaySendTo(fixedTarget, c.actor());
    }
    List<Message> candidates = new ArrayList<>();
    for (Message m : source.browse(Integer.MAX_VALUE)) {
      boolean inFlight = m.leased() && m.visibleAtMillis() > now; // an expired lease is over
      if (m.deadLetteredFrom() != null && !inFlight && candidates.size() < c.max()) {
        candidates.add(m);
      }
    }
    long order = seq * SLOTS;
    int moved = 0;
    Map<String, Integer> movedTo = new TreeMap<>();
    for (Message m : candidates) {
      QueueState target = fixedTarget != null ? fixedTarget : state.queues.get(m.deadLetteredFrom());
      if (target == null || target == source) {
        continue; // its source queue is gone: it stays here
      }
      source.remove(m);
      Message back = m.redrivenTo(target.definition().name(), order++, now);
      target.add(back);
      changes.add(new Change.MessageUpdated(back));
      movedTo.merge(target.definition().name(), 1, Integer::sum);
      moved++;
    }
    return new Outcome.Redriven(moved, movedTo);
  }

  /** The message a receipt names, if the receipt is still its current one; else null. */
  private static Message current(QueueState queue, String receipt) {
    String id = Receipts.messageId(receipt);
    Message message = id == null ? null : queue.get(id);
    return message != null && receipt.equals(message.receipt()) ? message : null;
  }

  private static Message leased(QueueState queue, String receipt) {
    Message message = current(queue, receipt);
    if (message == null) {
      throw new BrokerException(BrokerException.Kind.GONE,
          "the receipt is stale: the message was acked, released, redelivered or removed");
    }
    return message;
  }
}
