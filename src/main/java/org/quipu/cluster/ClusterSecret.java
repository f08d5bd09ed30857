package org.quipu.cluster;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executor;

/**
 * The secret every node of a cluster shares (QUIPU_CLUSTER_SECRET): a caller sends it as {@code
 * authorization: Bearer <secret>} metadata on every call ({@link #credentials}), and a node refuses
 * any call without it, before reading the request ({@link #guard}). Compared in constant time.
 */
public final class ClusterSecret {

  /** Shorter secrets are refused at start-up: guessing one must be out of reach. */
  public static final int MIN_LENGTH = 24;

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String secret;

  public ClusterSecret(String secret) {
    if (secret == null || secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the cluster secret must have at least " + MIN_LENGTH + " characters");
    }
    this.secret = secret;
  }

  /** Adds the secret to each call of a client stub ({@code stub.withCallCredentials(...)}). */
  public CallCredentials credentials() {
    String value = "Bearer " + secret;
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier apply) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, value);
        apply.apply(headers);
      }
    };
  }

  /** Closes every call that does not present the secret with UNAUTHENTICATED. */
  public ServerInterceptor guard() {
    byte[] expected = ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        String presented = headers.get(AUTHORIZATION);
        if (presented == null
            || !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
          call.close(Status.UNAUTHENTICATED.withDescription("no valid cluster secret"),
              new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
  }
}
