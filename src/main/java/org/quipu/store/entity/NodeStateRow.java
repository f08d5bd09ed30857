package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The one row of {@code node_state}: the log position the state tables hold (every batch up to
 * {@code appliedSeq} is in them, nothing after) and the epoch that wrote it.
 */
@Entity
@Table(name = "node_state")
public class NodeStateRow implements UpdatableRow<NodeStateRow> {

  /** The row's key: there is only ever one. */
  public static final int ID = 1;

  @Id
  @Column(name = "id")
  private int id;

  @Column(name = "applied_seq", nullable = false)
  private long appliedSeq;

  @Column(name = "epoch", nullable = false)
  private long epoch;

  protected NodeStateRow() {}

  public static NodeStateRow of(long appliedSeq, long epoch) {
    NodeStateRow row = new NodeStateRow();
    row.id = ID;
    row.appliedSeq = appliedSeq;
    row.epoch = epoch;
    return row;
  }

  @Override
  public void updateFrom(NodeStateRow update) {
    appliedSeq = update.appliedSeq;
    epoch = update.epoch;
  }

  public long appliedSeq() {
    return appliedSeq;
  }
}
