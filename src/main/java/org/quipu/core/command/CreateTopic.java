package org.quipu.core.command;

/** Creates a topic owned by {@code owner}; re-creating one's own topic is a no-op. */
public record CreateTopic(String name, String owner) implements Command {}
