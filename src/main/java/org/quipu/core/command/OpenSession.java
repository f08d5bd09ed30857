package org.quipu.core.command;

/**
 * Opens a session (a login). Only the SHA-256 of the bearer token is replicated; the token itself
 * exists only in the login response.
 */
public record OpenSession(String sessionId, String tokenHash, String username, long expiresAtMillis)
    implements Command {}
