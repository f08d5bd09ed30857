package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.quipu.core.state.Session;

/** A row of {@code sessions}: a login's token, stored as its hash. */
@Entity
@Table(name = "sessions")
public class SessionRow {

  @Id
  @Column(name = "id")
  private String id;

  @Column(name = "token_hash", nullable = false)
  private String tokenHash;

  @Column(name = "username", nullable = false)
  private String username;

  @Column(name = "created_at_millis", nullable = false)
  private long createdAtMillis;

  @Column(name = "expires_at_millis", nullable = false)
  private long expiresAtMillis;

  protected SessionRow() {}

  public static SessionRow of(Session s) {
    SessionRow row = key(s.id());
    row.tokenHash = s.tokenHash();
    row.username = s.username();
    row.createdAtMillis = s.createdAtMillis();
    row.expiresAtMillis = s.expiresAtMillis();
    return row;
  }

  /** A row that carries only the key, for a delete. */
  public static SessionRow key(String id) {
    SessionRow row = new SessionRow();
    row.id = id;
    return row;
  }

  public Session toSession() {
    return new Session(id, tokenHash, username, createdAtMillis, expiresAtMillis);
  }
}
