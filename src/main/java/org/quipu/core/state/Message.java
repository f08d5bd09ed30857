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

  Message madeVisible() {
    return new Message(
        id, queue, order, body, headers, sender, sentAtMillis, visibleAtMillis, receiveCount,
        null, firstReceivedAtMillis, deadLetteredFrom);
  }

  Message movedTo(String targetQueue, long newOrder) {
    return new Message(
        id, targetQueue, newOrder, body, headers, sender, sentAtMillis, 0, 0, null, null, queue);
  }
}
