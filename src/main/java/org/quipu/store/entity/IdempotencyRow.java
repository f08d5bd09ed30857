package org.quipu.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;
import org.quipu.core.state.IdempotencyRecord;
import org.quipu.core.state.Outcome;

/** A row of {@code idempotency_keys}: the first outcome of a keyed request, until it expires. */
@Entity
@Table(name = "idempotency_keys")
@IdClass(IdempotencyRow.Key.class)
public class IdempotencyRow {

  @Id
  @Column(name = "username")
  private String username;

  @Id
  @Column(name = "idem_key")
  private String idemKey;

  @Column(name = "fingerprint", nullable = false)
  private String fingerprint;

  @Column(name = "seq", nullable = false)
  private long seq;

  @Column(name = "expires_at_millis", nullable = false)
  private long expiresAtMillis;

  @Convert(converter = Converters.FirstOutcome.class)
  @Column(name = "outcome", nullable = false)
  private Outcome outcome;

  protected IdempotencyRow() {}

  public static IdempotencyRow of(IdempotencyRecord r) {
    IdempotencyRow row = key(r.user(), r.key());
    row.fingerprint = r.fingerprint();
    row.seq = r.seq();
    row.expiresAtMillis = r.expiresAtMillis();
    row.outcome = r.outcome();
    return row;
  }

  /** A row that carries only the key, for a delete. */
  public static IdempotencyRow key(String username, String idemKey) {
    IdempotencyRow row = new IdempotencyRow();
    row.username = username;
    row.idemKey = idemKey;
    return row;
  }

  public IdempotencyRecord toRecord() {
    return new IdempotencyRecord(username, idemKey, fingerprint, seq, expiresAtMillis, outcome);
  }

  /** The primary key, as JPA's {@code @IdClass} wants it. */
  public static final class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String username;
    private String idemKey;

    public Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(username, k.username) && Objects.equals(idemKey, k.idemKey);
    }

    @Override
    public int hashCode() {
      return Objects.hash(username, idemKey);
    }
  }
}
