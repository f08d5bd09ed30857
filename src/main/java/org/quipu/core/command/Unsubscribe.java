package org.quipu.core.command;

/** Deletes a subscription and its pending messages (its owner, the topic owner, or an admin). */
public record Unsubscribe(String topic, String name, String actor) implements Command {}
