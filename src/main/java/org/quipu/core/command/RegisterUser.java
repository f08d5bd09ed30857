package org.quipu.core.command;

import org.quipu.core.state.Role;

/** Creates a user; {@code passwordHash} is already the slow salted hash computed by the leader. */
public record RegisterUser(String username, String passwordHash, Role role) implements Command {}
