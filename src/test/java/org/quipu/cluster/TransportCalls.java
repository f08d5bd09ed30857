package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.quipu.replication.PeerUnreachableException;

/** How the transport tests wait for a call's future: its answer, or its failure. */
final class TransportCalls {

  private TransportCalls() {}

  /** The answer to {@code call}, within 10 s. */
  static <T> T answer(CompletableFuture<T> call) throws Exception {
    return call.get(10, TimeUnit.SECONDS);
  }

  /** The failure of {@code call}, which must be of type {@code kind}. */
  static <X extends Throwable> X failure(Class<X> kind, CompletableFuture<?> call) {
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
    return assertInstanceOf(kind, failed.getCause());
  }

  /** The failure of {@code call}, which must be a PeerUnreachableException. */
  static PeerUnreachableException unreachable(CompletableFuture<?> call) {
    return failure(PeerUnreachableException.class, call);
  }
}
