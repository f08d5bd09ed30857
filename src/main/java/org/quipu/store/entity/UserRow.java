package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.quipu.core.state.Role;
import org.quipu.core.state.User;

/** A row of {@code users}. */
@Entity
@Table(name = "users")
public class UserRow {

  @Id
  @Column(name = "username")
  private String username;

  @Column(name = "password_hash", nullable = false)
  private String passwordHash;

  @Column(name = "role", nullable = false)
  private String role;

  @Column(name = "disabled", nullable = false)
  private boolean disabled;

  @Column(name = "created_at_millis", nullable = false)
  private long createdAtMillis;

  protected UserRow() {}

  public static UserRow of(User u) {
    UserRow row = new UserRow();
    row.username = u.username();
    row.passwordHash = u.passwordHash();
    row.role = u.role().wireName();
    row.disabled = u.disabled();
    row.createdAtMillis = u.createdAtMillis();
    return row;
  }

  /** A row that carries only the key, for a delete. */
  public static UserRow key(String username) {
    UserRow row = new UserRow();
    row.username = username;
    return row;
  }

  public User toUser() {
    return new User(username, passwordHash, Role.fromWire(role), disabled, createdAtMillis);
  }
}
