package org.quipu.core.state;

/** A live login. The token is known only by its SHA-256 hash. */
public record Session(
    String id, String tokenHash, String username, long createdAtMillis, long expiresAtMillis) {}
