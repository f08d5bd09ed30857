package org.quipu.core.state;

/**
 * A durable subscription to a topic. {@code queue} is null when the subscription has its own queue
 * (named {@link #ownQueueName}); otherwise copies go to that existing queue.
 */
public record Subscription(
    String topic, String name, String owner, String bindingKey, String queue, long createdAtMillis) {

  /** The name of a subscription's own queue: contains '/', so no user queue can take it. */
  public static String ownQueueName(String topic, String name) {
    return topic + "/" + name;
  }

  public String targetQueue() {
    return queue != null ? queue : ownQueueName(topic, name);
  }
}
