package org.quipu.core.command;

/**
 * Creates a durable subscription owned by {@code owner}. With {@code queue} set, matching messages
 * go into that existing queue; otherwise into the subscription's own queue.
 */
public record Subscribe(String topic, String name, String owner, String bindingKey, String queue)
    implements Command {}
