package org.quipu.core.command;

/** Deletes a topic and its subscriptions; refused while they hold messages unless forced. */
public record DeleteTopic(String name, String actor, boolean force) implements Command {}
