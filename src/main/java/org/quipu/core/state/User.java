package org.quipu.core.state;

/** A registered user. Immutable: a change of role or password replaces the record. */
public record User(
    String username, String passwordHash, Role role, boolean disabled, long createdAtMillis) {

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
