package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import java.util.Map;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageContent;
import org.quipu.core.state.MessageEvent;

/**
 * A row of {@code messages}: a message's metadata, which memory holds too, and its content (body
 * and headers), which only the table holds. The table is clustered by (queue, order); {@code id}
 * is unique and is the key JPA knows it by.
 *
 * <p>The content and the sender are written once, with the insert ({@code updatable = false}): an
 * update carries only what a delivery, a move or a redrive changes, so a row built from a {@link
 * Message} alone ({@link #ofUpdate}) updates it without reading or rewriting its body.
 */
@Entity
@Table(name = "messages")
public class MessageRow implements UpdatableRow<MessageRow> {

  @Id
  @Column(name = "id")
  private String id;

  @Column(name = "queue_name", nullable = false)
  private String queueName;

  @Column(name = "order_key", nullable = false)
  private long orderKey;

  @Column(name = "body", nullable = false, updatable = false)
  private String body;

  @Convert(converter = Converters.Headers.class)
  @Column(name = "headers", nullable = false, updatable = false)
  private Map<String, String> headers;

  @Column(name = "sender", nullable = false, updatable = false)
  private String sender;

  @Column(name = "sent_at_millis", nullable = false, updatable = false)
  private long sentAtMillis;

  @Column(name = "visible_at_millis", nullable = false)
  private long visibleAtMillis;

  @Column(name = "receive_count", nullable = false)
  private int receiveCount;

  @Column(name = "receipt")
  private String receipt;

  @Column(name = "first_received_at_millis")
  private Long firstReceivedAtMillis;

  @Column(name = "dead_lettered_from")
  private String deadLetteredFrom;

  @Convert(converter = Converters.History.class)
  @Column(name = "history")
  private List<MessageEvent> history;

  /**
   * What memory holds of a queue's messages (not the content), in FIFO order from the position
   * after {@code :after}; read by {@link #head}.
   */
  public static final String HEADS_AFTER = "SELECT m.id, m.queueName, m.orderKey, m.sender,"
      + " m.sentAtMillis, m.visibleAtMillis, m.receiveCount, m.receipt, m.firstReceivedAtMillis,"
      + " m.deadLetteredFrom, m.history FROM MessageRow m"
      + " WHERE m.queueName = :queue AND m.orderKey > :after ORDER BY m.orderKey";

  /** The contents of the messages with the ids {@code :ids}: id, body, headers. */
  public static final String CONTENTS_OF =
      "SELECT m.id, m.body, m.headers FROM MessageRow m WHERE m.id IN :ids";

  /**
   * A queue's contents in FIFO order from the position after {@code :after}: order, id, body,
   * headers.
   */
  public static final String CONTENTS_AFTER = "SELECT m.orderKey, m.id, m.body, m.headers"
      + " FROM MessageRow m WHERE m.queueName = :queue AND m.orderKey > :after"
      + " ORDER BY m.orderKey";

  protected MessageRow() {}

  /**
   * The message a row of {@link #HEADS_AFTER} describes; {@code names} shares equal queue and
   * sender names between messages (a million messages of one queue hold its name once).
   */
  @SuppressWarnings("unchecked")
  public static Message head(Object[] c, Map<String, String> names) {
    String deadLetteredFrom = (String) c[9];
    return new Message((String) c[0], shared(names, (String) c[1]), (Long) c[2],
        shared(names, (String) c[3]), (Long) c[4], (Long) c[5], (Integer) c[6], (String) c[7],
        (Long) c[8], deadLetteredFrom == null ? null : shared(names, deadLetteredFrom),
        c[10] == null ? List.of() : (List<MessageEvent>) c[10]);
  }

  /** The content in a row of {@link #CONTENTS_OF} or {@link #CONTENTS_AFTER}, from {@code at}. */
  @SuppressWarnings("unchecked")
  public static MessageContent content(Object[] c, int at) {
    return new MessageContent((String) c[at], (Map<String, String>) c[at + 1]);
  }

  private static String shared(Map<String, String> names, String name) {
    return names.computeIfAbsent(name, n -> n);
  }

  /** The row a send inserts: the message and its content. */
  public static MessageRow ofInsert(Message m, MessageContent content) {
    MessageRow row = ofUpdate(m);
    row.body = content.body();
    row.headers = content.headers();
    return row;
  }

  /** The row an update writes: everything but the content (see the class comment). */
  public static MessageRow ofUpdate(Message m) {
    MessageRow row = key(m.id());
    row.queueName = m.queue();
    row.orderKey = m.order();
    row.sender = m.sender();
    row.sentAtMillis = m.sentAtMillis();
    row.visibleAtMillis = m.visibleAtMillis();
    row.receiveCount = m.receiveCount();
    row.receipt = m.receipt();
    row.firstReceivedAtMillis = m.firstReceivedAtMillis();
    row.deadLetteredFrom = m.deadLetteredFrom();
    row.history = m.history();
    return row;
  }

  @Override
  public void updateFrom(MessageRow update) {
    queueName = update.queueName;
    orderKey = update.orderKey;
    visibleAtMillis = update.visibleAtMillis;
    receiveCount = update.receiveCount;
    receipt = update.receipt;
    firstReceivedAtMillis = update.firstReceivedAtMillis;
    deadLetteredFrom = update.deadLetteredFrom;
    history = update.history;
  }

  /** A row that carries only the key, for a delete. */
  public static MessageRow key(String id) {
    MessageRow row = new MessageRow();
    row.id = id;
    return row;
  }
}
