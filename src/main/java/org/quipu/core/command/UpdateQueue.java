package org.quipu.core.command;

/**
 * Changes some of a queue's attributes (owner or admin); {@link QueuePatch} is merged into the
 * current attributes when the command is applied.
 */
public record UpdateQueue(String name, String actor, QueuePatch patch) implements Command {}
