package org.quipu.core.command;

import org.quipu.core.state.Role;

/**
 * Changes a user (admin only): each non-null field replaces the current value. Disabling a user or
 * changing their password also closes all their sessions.
 */
public record UpdateUser(
    String username, String actor, Role role, Boolean disabled, String passwordHash)
    implements Command {}
