package org.quipu.core.command;

/**
 * A write protected by an {@code Idempotency-Key}: the first time, {@code command} is applied and
 * its outcome kept with the key for {@code ttlMillis}; a retry with the same user, key and
 * request fingerprint gets that first outcome and changes nothing; the same key with a different
 * request is a conflict.
 */
public record Idempotent(
    String user, String key, String fingerprint, long ttlMillis, Command command)
    implements Command {}
