package org.quipu.core.command;

/**
 * Housekeeping, issued by the leader when something has expired: drops messages older than their
 * queue's retention and sessions past their expiry, as of the log entry's time.
 */
public record DropExpired() implements Command {}
