package org.quipu.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.quipu.node.NodeConfig;

/**
 * Refuses request bodies larger than a full batch (100 bodies at the limit, plus room for the JSON
 * around them) with 413, before they are read into memory: by {@code Content-Length} when it is
 * sent, and by counting bytes as they are read when the body is chunked.
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
    if (request.hasEntity()) {
      request.setEntityStream(new Bounded(request.getEntityStream(), limit));
    }
  }

  private static ApiException tooLarge(long limit) {
    return ApiException.tooLarge("the request body is larger than " + limit + " bytes");
  }

  /** Counts what is read and fails once past the limit. */
  private static final class Bounded extends FilterInputStream {
    private final long limit;
    private long read;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > limit) {
        throw tooLarge(limit);
      }
    }
  }
}
