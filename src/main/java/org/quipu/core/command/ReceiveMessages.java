package org.quipu.core.command;

/**
 * Leases up to {@code max} visible messages to a consumer for {@code visibilityMillis} (or the
 * queue's default when negative). {@code receiptNonce} is random, chosen by the leader, and makes
 * every receipt unguessable.
 */
public record ReceiveMessages(
    String queue, String actor, int max, long visibilityMillis, String receiptNonce)
    implements Command {}
