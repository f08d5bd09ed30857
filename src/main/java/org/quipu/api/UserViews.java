package org.quipu.api;

import org.quipu.core.state.Session;
import org.quipu.core.state.User;

/** Response bodies of the users and sessions endpoints; none ever carries a hash. */
public final class UserViews {
  private UserViews() {}

  public record UserView(String username, String role, boolean disabled, String createdAt) {
    static UserView of(User u) {
      return new UserView(u.username(), u.role().wireName(), u.disabled(),
          Times.rfc3339(u.createdAtMillis()));
    }
  }

  public record LoginView(String token, String expiresAt, String username, String role) {}

  public record SessionView(String id, String username, String createdAt, String expiresAt) {
    static SessionView of(Session s) {
      return new SessionView(s.id(), s.username(), Times.rfc3339(s.createdAtMillis()),
          Times.rfc3339(s.expiresAtMillis()));
    }
  }
}
