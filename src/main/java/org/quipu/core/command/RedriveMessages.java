package org.quipu.core.command;

/**
 * Moves up to {@code max} dead-lettered messages out of {@code queue}: each goes back to the queue
 * it was dead-lettered from, or to {@code toQueue} when that is set.
 */
public record RedriveMessages(String queue, String actor, String toQueue, int max)
    implements Command {}
