package org.quipu.core.command;

/** Closes a session (logout or revocation); its token stops working once this is applied. */
public record CloseSession(String sessionId) implements Command {}
