package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;
import org.quipu.core.state.Subscription;

/** A row of {@code subscriptions}, keyed by topic and subscription name. */
@Entity
@Table(name = "subscriptions")
@IdClass(SubscriptionRow.Key.class)
public class SubscriptionRow {

  @Id
  @Column(name = "topic")
  private String topic;

  @Id
  @Column(name = "name")
  private String name;

  @Column(name = "owner", nullable = false)
  private String owner;

  @Column(name = "binding_key", nullable = false)
  private String bindingKey;

  /** Null: the subscription's own queue, "topic/name". */
  @Column(name = "target_queue")
  private String targetQueue;

  @Column(name = "created_at_millis", nullable = false)
  private long createdAtMillis;

  protected SubscriptionRow() {}

  public static SubscriptionRow of(Subscription s) {
    SubscriptionRow row = key(s.topic(), s.name());
    row.owner = s.owner();
    row.bindingKey = s.bindingKey();
    row.targetQueue = s.queue();
    row.createdAtMillis = s.createdAtMillis();
    return row;
  }

  /** A row that carries only the key, for a delete. */
  public static SubscriptionRow key(String topic, String name) {
    SubscriptionRow row = new SubscriptionRow();
    row.topic = topic;
    row.name = name;
    return row;
  }

  public Subscription toSubscription() {
    return new Subscription(topic, name, owner, bindingKey, targetQueue, createdAtMillis);
  }

  /** The primary key, as JPA's {@code @IdClass} wants it. */
  public static final class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String topic;
    private String name;

    public Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Objects.equals(topic, k.topic) && Objects.equals(name, k.name);
    }

    @Override
    public int hashCode() {
      return Objects.hash(topic, name);
    }
  }
}
