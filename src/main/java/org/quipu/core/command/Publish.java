package org.quipu.core.command;

import java.util.Map;

/**
 * Publishes one message: a copy goes to every subscription whose binding key matches {@code
 * routingKey}, in subscription-name order. Copy {@code i} gets the id {@code id + "." + i}.
 */
public record Publish(
    String topic, String sender, String id, String body, String routingKey, Map<String, String> headers)
    implements Command {
  public Publish {
    headers = Map.copyOf(headers);
  }
}
