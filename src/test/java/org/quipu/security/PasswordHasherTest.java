package org.quipu.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Login timing must not tell a known user from an unknown one: by construction, both run exactly
 * one PBKDF2 verification against a hash made with the same parameters.
 */
class PasswordHasherTest {

  /** Records each verification's hash; "hashes" are {@code params:password}. */
  private static final class RecordingPbkdf2 implements Pbkdf2PasswordHash {
    final List<String> verifiedAgainst = new ArrayList<>();
    String params = "unset";

    @Override
    public void initialize(Map<String, String> parameters) {
      params = parameters.get("Pbkdf2PasswordHash.Algorithm") + "/"
          + parameters.get("Pbkdf2PasswordHash.Iterations");
    }

    @Override
    public String generate(char[] password) {
      return params + ":" + new String(password);
    }

    @Override
    public boolean verify(char[] password, String hashedPassword) {
      verifiedAgainst.add(hashedPassword);
      return hashedPassword.equals(generate(password));
    }
  }

  private final RecordingPbkdf2 pbkdf2 = new RecordingPbkdf2();
  private final PasswordHasher hasher = new PasswordHasher();

  @BeforeEach
  void setUp() {
    hasher.pbkdf2 = pbkdf2;
    hasher.init();
  }

  private static String params(String hash) {
    return hash.substring(0, hash.indexOf(':'));
  }

  @Test
  void verify_unknownUser_runsOneHashWithTheSameParametersAsAKnownUser() {
    String stored = hasher.hash("correct-horse");

    assertFalse(hasher.verify("guess", stored));
    assertFalse(hasher.verify("guess", null));

    assertEquals(2, pbkdf2.verifiedAgainst.size(), "one PBKDF2 run per check, known or not");
    assertEquals(params(stored), params(pbkdf2.verifiedAgainst.get(1)),
        "the decoy is hashed with the stored hash's algorithm and iterations");
    assertEquals("PBKDF2WithHmacSHA256/210000", params(stored));
  }

  @Test
  void verify_unknownUser_isFalseEvenForTheDecoysOwnPassword() {
    hasher.verify("anything", null);
    String decoy = pbkdf2.verifiedAgainst.get(0);
    String decoysPassword = decoy.substring(decoy.indexOf(':') + 1);

    assertFalse(hasher.verify(decoysPassword, null));
  }

  @Test
  void verify_knownUserWithTheRightPassword_isTrue() {
    assertTrue(hasher.verify("correct-horse", hasher.hash("correct-horse")));
  }
}
