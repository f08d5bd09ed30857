package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.quipu.core.state.TopicDefinition;

/** A row of {@code topics}. */
@Entity
@Table(name = "topics")
public class TopicRow {

  @Id
  @Column(name = "name")
  private String name;

  @Column(name = "owner", nullable = false)
  private String owner;

  @Column(name = "created_at_millis", nullable = false)
  private long createdAtMillis;

  protected TopicRow() {}

  public static TopicRow of(TopicDefinition t) {
    TopicRow row = key(t.name());
    row.owner = t.owner();
    row.createdAtMillis = t.createdAtMillis();
    return row;
  }

  /** A row that carries only the key, for a delete. */
  public static TopicRow key(String name) {
    TopicRow row = new TopicRow();
    row.name = name;
    return row;
  }

  public TopicDefinition toTopic() {
    return new TopicDefinition(name, owner, createdAtMillis);
  }
}
