package org.quipu.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.quipu.node.NodeConfig;

/**
 * Refuses request bodies larger than a full batch (100 bodies at the limit, plus room for the JSON
 * around them) with 413: by {@code Content-Length} before reading anything, and for a chunked body
 * by reading no more than one byte past the limit.
 */
@Provider
@PreMatching
public class RequestSizeLimit implements ContainerRequestFilter {

  /** JSON syntax, headers and escapes around the bodies themselves. */
  private static final long HEADROOM_BYTES = 4L * 1024 * 1024;

  @Inject NodeConfig config;

  @Override
  public void filter(ContainerRequestContext request) {
    long limit = (long) config.maxBodyBytes() * config.maxBatchMessages() * 6 / 5 + HEADROOM_BYTES;
    if (request.getLength() > limit) {
      throw tooLarge(limit);
    }
    if (request.getLength() < 0 && request.hasEntity()) {
      // Chunked: read at most one byte past the limit; the body is read into memory anyway.
      try {
        byte[] body = request.getEntityStream().readNBytes((int) limit + 1);
        if (body.length > limit) {
          throw tooLarge(limit);
        }
        request.setEntityStream(new ByteArrayInputStream(body));
      } catch (IOException e) {
        throw ApiException.badRequest("the request body could not be read");
      }
    }
  }

  private static ApiException tooLarge(long limit) {
    return ApiException.tooLarge("the request body is larger than " + limit + " bytes");
  }
}
