package org.quipu.api;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads the {@code Idempotency-Key} header of a write and fingerprints the request (method, path,
 * query and body) so that a key reused for a different request is refused rather than replayed.
 */
@Provider
@Priority(Priorities.AUTHENTICATION + 10)
public class IdempotencyKeyFilter implements ContainerRequestFilter {

  static final String HEADER = "Idempotency-Key";
  private static final int MAX_KEY_LENGTH = 255;

  @Inject IdempotencyKey idempotencyKey;

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    String key = request.getHeaderString(HEADER);
    if (key == null || request.getMethod().equals("GET")) {
      return;
    }
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 32 && c < 127)) {
      throw ApiException.badRequest(
          "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters");
    }
    byte[] body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
    request.setEntityStream(new ByteArrayInputStream(body));
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
    sha.update((request.getMethod() + ' ' + request.getUriInfo().getRequestUri().getRawPath() + '?'
        + request.getUriInfo().getRequestUri().getRawQuery() + '\n').getBytes(StandardCharsets.UTF_8));
    sha.update(body);
    idempotencyKey.set(key, HexFormat.of().formatHex(sha.digest()));
  }
}
