package org.quipu.api;

import jakarta.enterprise.context.RequestScoped;
import org.quipu.core.command.Command;
import org.quipu.core.command.Idempotent;

/**
 * This request's {@code Idempotency-Key}, if it sent one. Resources wrap their command with {@link
 * #protect}; retries within {@link #TTL_MILLIS} then get the first response.
 */
@RequestScoped
public class IdempotencyKey {

  /** API.md: a retry within 10 minutes returns the first response. */
  static final long TTL_MILLIS = 10 * 60 * 1000;

  private String key;
  private String fingerprint;

  void set(String key, String fingerprint) {
    this.key = key;
    this.fingerprint = fingerprint;
  }

  /** The command itself, or wrapped so a retry by the same user replays its first outcome. */
  public Command protect(String user, Command command) {
    return key == null ? command : new Idempotent(user, key, fingerprint, TTL_MILLIS, command);
  }
}
