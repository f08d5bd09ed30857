package org.quipu.core.state;

/** The first outcome of a keyed write, kept until {@code expiresAtMillis}. */
public record IdempotencyRecord(
    String user, String key, String fingerprint, long seq, long expiresAtMillis, Outcome outcome) {}
