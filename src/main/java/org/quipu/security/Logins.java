package org.quipu.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.OpenSession;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.Session;
import org.quipu.core.state.User;
import org.quipu.service.Writes;
import org.quipu.service.Reads;
import org.quipu.node.NodeConfig;

/**
 * Logging in and recognising a token, shared by the API (bearer tokens) and the console (a session
 * cookie holding the same kind of token): both ends see the same sessions, so a revocation or a
 * disabled user ends API and console access alike.
 */
@ApplicationScoped
public class Logins {

  /** A fresh session and the token for it; the token itself is never stored. */
  public record Login(String token, Session session, User user) {}

  @Inject Writes writes;
  @Inject Reads reads;
  @Inject PasswordHasher passwords;
  @Inject NodeConfig config;
  @Inject AttemptLimits limits;

  /**
   * Checks the password and opens a session; fails with {@link LoginRefusedException} otherwise,
   * or {@link RateLimitedException} when this user name has failed too often lately.
   *
   * <p>An unknown user name costs one password hash, exactly as a known one does ({@link
   * PasswordHasher#verify} hashes against a decoy), so the answer's timing does not tell whether
   * the name exists. The name is matched ignoring case; the session belongs to the user's own
   * spelling of it.
   */
  public CompletionStage<Login> login(String username, String password) {
    AttemptLimits.Attempt attempt;
    try {
      attempt = limits.login(username);
    } catch (RateLimitedException limited) {
      return CompletableFuture.failedFuture(limited);
    }
    User user = reads.query(b -> b.user(username)).orElse(null);
    if (!passwords.verify(password, user == null ? null : user.passwordHash())) {
      return CompletableFuture.failedFuture(LoginRefusedException.badCredentials());
    }
    attempt.succeeded();
    if (user.disabled()) {
      return CompletableFuture.failedFuture(LoginRefusedException.disabled(user.username()));
    }
    String token = Tokens.newToken();
    long expiresAt = System.currentTimeMillis() + config.tokenTtlMillis();
    var command =
        new OpenSession(UUID.randomUUID().toString(), Tokens.hash(token), user.username(), expiresAt);
    return writes.execute(command).thenApply(committed -> {
      var opened = (Outcome.SessionOpened) committed.outcome();
      return new Login(token, opened.session(), opened.user());
    });
  }

  /** The caller a token belongs to, if its session is live and its user enabled. */
  public Optional<Caller> authenticate(String token) {
    String tokenHash = Tokens.hash(token);
    long now = System.currentTimeMillis();
    return Optional.ofNullable(reads.query(b -> {
      Session session = b.sessionByTokenHash(tokenHash).orElse(null);
      if (session == null || session.expiresAtMillis() <= now) {
        return null;
      }
      User user = b.user(session.username()).orElse(null);
      return user == null || user.disabled()
          ? null
          : new Caller(user.username(), user.role(), session.id());
    }));
  }
}
