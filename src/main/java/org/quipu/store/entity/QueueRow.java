package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueDefinition;

/** A row of {@code queues}: a queue's definition (its messages are {@link MessageRow}s). */
@Entity
@Table(name = "queues")
public class QueueRow {

  @Id
  @Column(name = "name")
  private String name;

  @Column(name = "owner", nullable = false)
  private String owner;

  @Column(name = "visibility_timeout_millis", nullable = false)
  private long visibilityTimeoutMillis;

  @Column(name = "max_receive_count")
  private Integer maxReceiveCount;

  @Column(name = "dead_letter_queue")
  private String deadLetterQueue;

  @Column(name = "retention_millis", nullable = false)
  private long retentionMillis;

  @Column(name = "max_length")
  private Integer maxLength;

  @Column(name = "shared", nullable = false)
  private boolean shared;

  @Column(name = "created_at_millis", nullable = false)
  private long createdAtMillis;

  protected QueueRow() {}

  public static QueueRow of(QueueDefinition q) {
    QueueAttributes a = q.attributes();
    QueueRow row = key(q.name());
    row.owner = q.owner();
    row.visibilityTimeoutMillis = a.visibilityTimeoutMillis();
    row.maxReceiveCount = a.maxReceiveCount();
    row.deadLetterQueue = a.deadLetterQueue();
    row.retentionMillis = a.retentionMillis();
    row.maxLength = a.maxLength();
    row.shared = a.shared();
    row.createdAtMillis = q.createdAtMillis();
    return row;
  }

  /** A row that carries only the key, for a delete. */
  public static QueueRow key(String name) {
    QueueRow row = new QueueRow();
    row.name = name;
    return row;
  }

  public QueueDefinition toQueue() {
    return new QueueDefinition(name, owner, new QueueAttributes(visibilityTimeoutMillis,
        maxReceiveCount, deadLetterQueue, retentionMillis, maxLength, shared), createdAtMillis);
  }
}
