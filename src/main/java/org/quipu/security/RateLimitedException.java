package org.quipu.security;

/**
 * A login or registration refused because its user name has used up its attempts for now (429
 * with {@code Retry-After}); nothing was checked or changed.
 */
public final class RateLimitedException extends RuntimeException {

  private final long retryAfterSeconds;

  RateLimitedException(String detail, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Whole seconds until an attempt will be allowed again (at least 1). */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
