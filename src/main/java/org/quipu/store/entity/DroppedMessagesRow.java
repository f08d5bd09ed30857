package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of {@code dropped_messages}: the rows of {@code messages} of {@code queueName} whose
 * order key is below {@code belowOrderKey} belong to a deleted queue and are no longer state
 * (see {@code org.quipu.store.DroppedMessages}). A later delete of a queue of the same name
 * replaces the row with a higher bound.
 */
@Entity
@Table(name = "dropped_messages")
public class DroppedMessagesRow {

  /** Finds the bound of every queue that has one: queue name, bound. */
  public static final String ALL =
      "SELECT d.queueName, d.belowOrderKey FROM DroppedMessagesRow d";

  /** The bound of {@code :queue}, if it has one. */
  public static final String BOUND_OF =
      "SELECT d.belowOrderKey FROM DroppedMessagesRow d WHERE d.queueName = :queue";

  @Id
  @Column(name = "queue_name")
  private String queueName;

  @Column(name = "below_order_key", nullable = false)
  private long belowOrderKey;

  protected DroppedMessagesRow() {}

  public static DroppedMessagesRow of(String queueName, long belowOrderKey) {
    DroppedMessagesRow row = new DroppedMessagesRow();
    row.queueName = queueName;
    row.belowOrderKey = belowOrderKey;
    return row;
  }
}
