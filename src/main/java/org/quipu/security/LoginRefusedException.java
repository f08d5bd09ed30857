package org.quipu.security;

/**
 * A login that must not succeed: unknown user or wrong password (the same answer for both, so a
 * caller cannot probe for user names), or a disabled user.
 */
public final class LoginRefusedException extends RuntimeException {

  private final boolean disabled;

  private LoginRefusedException(String message, boolean disabled) {
    super(message, null, false, false);
    this.disabled = disabled;
  }

  static LoginRefusedException badCredentials() {
    return new LoginRefusedException("unknown user or wrong password", false);
  }

  static LoginRefusedException disabled(String username) {
    return new LoginRefusedException("user '" + username + "' is disabled", true);
  }

  /** True when the credentials were right but the user is disabled (403 rather than 401). */
  public boolean disabled() {
    return disabled;
  }
}
