package org.quipu.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the users and sessions endpoints. */
public final class UserRequests {
  private UserRequests() {}

  /** {@code POST /users}. */
  public record Register(
      @NotNull(message = QueueRequests.REQUIRED) @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String username,
      @NotNull(message = QueueRequests.REQUIRED) @Size(min = 8, max = 1024, message = "must be 8 to 1024 characters") String password) {}

  /** {@code POST /sessions}: no rules beyond presence, so a wrong password is a 401, not a 400. */
  public record Login(
      @NotNull(message = QueueRequests.REQUIRED) String username,
      @NotNull(message = QueueRequests.REQUIRED) String password) {}

  /** {@code PATCH /users/{name}} (admin): only the fields present change. */
  public record Update(
      @Pattern(regexp = "admin|user", message = "must be 'admin' or 'user'") String role,
      Boolean disabled,
      @Size(min = 8, max = 1024, message = "must be 8 to 1024 characters") String password) {}
}
