package org.quipu.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens for the console's forms. A logged-in form carries HMAC-SHA256(session token, a fixed
 * label): only a page rendered for that session can know it, every node computes the same value
 * without sharing a secret, and it dies with the session. The login form, which has no session
 * yet, uses a random value that must match a cookie set with the form (double submit).
 */
public final class Csrf {

  /** The form field every console form carries. */
  public static final String FIELD = "_csrf";
  private static final byte[] LABEL = "quipu-console-csrf-v1".getBytes(StandardCharsets.UTF_8);

  private Csrf() {}

  /** The token forms rendered for the session with this (secret) token must carry. */
  public static String forSession(String sessionToken) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(sessionToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(LABEL));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Constant-time comparison; a missing value never matches. */
  public static boolean matches(String expected, String presented) {
    return expected != null && presented != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
            presented.getBytes(StandardCharsets.UTF_8));
  }
}
