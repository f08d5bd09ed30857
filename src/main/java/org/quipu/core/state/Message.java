package org.quipu.core.state;

import java.util.ArrayList;
import java.util.List;

/**
 * A stored message as the broker knows it: what its decisions need, without its body and headers
 * ({@link MessageContent}, which live in the store). {@code order} fixes its FIFO position in its queue (derived from the sequence
 * number of the send). It is in flight while {@code receipt} is set and {@code visibleAtMillis} is
 * in the future; delayed while never received and not yet visible. {@code history} holds its
 * latest deliveries and moves between queues.
 */
public record Message(
    String id,
    String queue,
    long order,
    String sender,
    long sentAtMillis,
    long visibleAtMillis,
    int receiveCount,
    String receipt,
    Long firstReceivedAtMillis,
    String deadLetteredFrom,
    List<MessageEvent> history) {

  public Message {
    history = List.copyOf(history);
  }

  /** The history with {@code event} appended, keeping the latest {@link MessageEvent#KEPT}. */
  private List<MessageEvent> with(MessageEvent event) {
    List<MessageEvent> longer = new ArrayList<>(history.size() + 1);
    longer.addAll(history.size() < MessageEvent.KEPT
        ? history : history.subList(history.size() - MessageEvent.KEPT + 1, history.size()));
    longer.add(event);
    return longer;
  }

  public boolean leased() {
    return receipt != null;
  }

  Message leasedTo(String newReceipt, long visibleAt, long now, String consumer) {
    return new Message(
        id, queue, order, sender, sentAtMillis, visibleAt, receiveCount + 1,
        newReceipt, firstReceivedAtMillis == null ? now : firstReceivedAtMillis, deadLetteredFrom,
        with(new MessageEvent(now, MessageEvent.Kind.RECEIVED, consumer)));
  }

  /** Released: visible again at {@code visibleAt}; the receipt is spent. */
  Message released(long visibleAt) {
    return new Message(
        id, queue, order, sender, sentAtMillis, visibleAt, receiveCount, null,
        firstReceivedAtMillis, deadLetteredFrom, history);
  }

  /** The same lease, held until {@code visibleAt}. */
  Message leaseUntil(long visibleAt) {
    return new Message(
        id, queue, order, sender, sentAtMillis, visibleAt, receiveCount, receipt,
        firstReceivedAtMillis, deadLetteredFrom, history);
  }

  /** The same message at another position in its queue (kept by a purge, above its bound). */
  Message at(long newOrder) {
    return new Message(
        id, queue, newOrder, sender, sentAtMillis, visibleAtMillis, receiveCount, receipt,
        firstReceivedAtMillis, deadLetteredFrom, history);
  }

  /** Back from a dead-letter queue; {@code deadLetteredFrom} stays as the marker of where it was. */
  Message redrivenTo(String targetQueue, long newOrder, long now) {
    return new Message(
        id, targetQueue, newOrder, sender, sentAtMillis, 0, 0, null, null,
        deadLetteredFrom, with(new MessageEvent(now, MessageEvent.Kind.REDRIVEN, targetQueue)));
  }

  /**
   * Dead-lettered: into {@code targetQueue}, remembering the queue it came from and keeping its
   * receive count (as SQS does), so whoever inspects it sees how often it failed.
   */
  Message movedTo(String targetQueue, long newOrder, long now) {
    return new Message(
        id, targetQueue, newOrder, sender, sentAtMillis, 0, receiveCount, null,
        firstReceivedAtMillis, queue,
        with(new MessageEvent(now, MessageEvent.Kind.DEAD_LETTERED, queue)));
  }
}
