package org.quipu.core.state;

import java.util.Map;

/**
 * A stored message. {@code order} fixes its FIFO position in its queue (derived from the sequence
 * number of the send). It is in flight while {@code receipt} is set and {@code visibleAtMillis} is
 * in the future; delayed while never received and not yet visible.
 */
public record Message(
    String id,
    String queue,
    long order,
    String body,
    Map<String, String> headers,
    String sender,
    long sentAtMillis,
    long visibleAtMillis,
    int receiveCount,
    String receipt,
    Long firstReceivedAtMillis,
    String deadLetteredFrom) {

  public Message {
    headers = Map.copyOf(headers);
  }

  public boolean leased() {
    return receipt != null;
  }

  Message leasedTo(String newReceipt, long visibleAt, long now) {
    return new Message(
        id, queue, order, body, headers, sender, sentAtMillis, visibleAt, receiveCount + 1,
        newReceipt, firstReceivedAtMillis == null ? now : firstReceivedAtMillis, deadLetteredFrom);
  }

  /** Released: visible again at {@code visibleAt}; the receipt is spent. */
  Message released(long visibleAt) {
    return new Message(
        id, queue, order, body, headers, sender, sentAtMillis, visibleAt, receiveCount, null,
        firstReceivedAtMillis, deadLetteredFrom);
  }

  /** The same lease, held until {@code visibleAt}. */
  Message leaseUntil(long visibleAt) {
    return new Message(
        id, queue, order, body, headers, sender, sentAtMillis, visibleAt, receiveCount, receipt,
        firstReceivedAtMillis, deadLetteredFrom);
  }

  /** Back from a dead-letter queue; {@code deadLetteredFrom} stays as the marker of where it was. */
  Message redrivenTo(String targetQueue, long newOrder) {
    return new Message(
        id, targetQueue, newOrder, body, headers, sender, sentAtMillis, 0, 0, null, null,
        deadLetteredFrom);
  }

  /** Dead-lettered: into {@code targetQueue}, remembering the queue it came from. */
  Message movedTo(String targetQueue, long newOrder) {
    return new Message(
        id, targetQueue, newOrder, body, headers, sender, sentAtMillis, 0, 0, null, null, queue);
  }
}
