package org.quipu.core.command;

/** Nack: ends a lease early; the message becomes visible again after {@code delayMillis}. */
public record ReleaseMessage(String queue, String actor, String receipt, long delayMillis)
    implements Command {}
