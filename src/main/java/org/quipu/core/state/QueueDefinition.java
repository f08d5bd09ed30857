package org.quipu.core.state;

/** A queue's identity and attributes, without its messages. */
public record QueueDefinition(
    String name, String owner, QueueAttributes attributes, long createdAtMillis) {}
