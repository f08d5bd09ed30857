package org.quipu.core.state;

/** A topic: a name messages are published to, and its owner. */
public record TopicDefinition(String name, String owner, long createdAtMillis) {}
