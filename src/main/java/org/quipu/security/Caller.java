package org.quipu.security;

import java.security.Principal;
import org.quipu.core.state.Role;

/** The authenticated user of one request and the session its token belongs to. */
public record Caller(String username, Role role, String sessionId) implements Principal {

  @Override
  public String getName() {
    return username;
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
