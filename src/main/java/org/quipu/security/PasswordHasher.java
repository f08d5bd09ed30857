package org.quipu.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.Map;

/**
 * Slow salted password hashes: Jakarta Security's PBKDF2 (HMAC-SHA256, 210,000 iterations, 32-byte
 * salt, as OWASP recommends). The hash string records its own parameters, so raising the cost
 * later keeps old hashes verifiable.
 */
@ApplicationScoped
public class PasswordHasher {

  /** A valid hash of a random password: verifying against it costs what a real check costs. */
  private String decoy;

  @Inject Pbkdf2PasswordHash pbkdf2;

  @PostConstruct
  void init() {
    pbkdf2.initialize(Map.of(
        "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
        "Pbkdf2PasswordHash.Iterations", "210000",
        "Pbkdf2PasswordHash.SaltSizeBytes", "32",
        "Pbkdf2PasswordHash.KeySizeBytes", "32"));
    decoy = pbkdf2.generate(Tokens.newToken().toCharArray());
  }

  public String hash(String password) {
    return pbkdf2.generate(password.toCharArray());
  }

  /** Checks a password; with a null hash (no such user) it still spends the same time. */
  public boolean verify(String password, String storedHash) {
    boolean matches = pbkdf2.verify(password.toCharArray(), storedHash == null ? decoy : storedHash);
    return storedHash != null && matches;
  }
}
