package org.quipu.fault;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real three-node cluster ({@link QuipuCluster}: {@code ./quipu up --no-build --zk 3} under
 * {@code target/cluster/}) for every test class of the run that asks for it with {@code
 * @ExtendWith(SharedCluster.class)}: the fault suite and the API's behaviour tests through NGINX.
 * A boot costs minutes on this machine (three Payara Micro nodes, one after another), so the run
 * pays it once.
 *
 * <p>The first class to need it brings it up; it lives in the root {@link ExtensionContext}'s
 * store, which closes it ({@code ./quipu down}) when the whole run ends, as does a JVM shutdown
 * hook if the run ends any other way. A cluster that would not come up fails every class that
 * asks for it, at once, with the same cause.
 *
 * <p>Before each class the cluster must be whole (every node ready, one leading): a class that
 * hurts it (the fault suite) leaves it whole again, and one that did not would fail the next class
 * here, by name, rather than as mysterious 503s in its tests.
 *
 * <p>Resolves parameters of type {@link URL} (NGINX's public HTTP address, ending in {@code /})
 * and, in this package, {@link QuipuCluster} itself.
 */
public final class SharedCluster implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedCluster.class);
  private static final Duration WHOLE_AT_MOST = Duration.ofMinutes(3);

  @Override
  public void beforeAll(ExtensionContext context) {
    QuipuCluster cluster = cluster(context);
    await("every node of the shared cluster ready, one leading, before "
        + context.getDisplayName()).atMost(WHOLE_AT_MOST).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          Map<String, Integer> ready = new TreeMap<>();
          cluster.nodes().forEach(node -> ready.put(node, cluster.readyStatus(node)));
          if (ready.values().stream().anyMatch(status -> status != 200)
              || cluster.leader().isEmpty()) {
            throw new AssertionError("/health/ready per node: " + ready + "; leader "
                + cluster.leader().orElse("none"));
          }
        });
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == URL.class || type == QuipuCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    QuipuCluster cluster = cluster(context);
    if (parameter.getParameter().getType() == QuipuCluster.class) {
      return cluster;
    }
    try {
      return cluster.publicUrl().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static QuipuCluster cluster(ExtensionContext context) {
    Started started = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Started.class, key -> Started.up(), Started.class);
    if (started.failure() != null) {
      throw new IllegalStateException("the shared cluster did not come up", started.failure());
    }
    return started.cluster();
  }

  /**
   * The cluster, or why it is not there. Closed by JUnit with the root context's store (values
   * that are {@link AutoCloseable} are closed when their context ends).
   */
  private record Started(QuipuCluster cluster, RuntimeException failure) implements AutoCloseable {

    static Started up() {
      Path project = Path.of("").toAbsolutePath();
      String run = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path work = project.resolve("target").resolve("cluster").resolve("run-" + run);
      long start = System.nanoTime();
      try {
        QuipuCluster cluster = QuipuCluster.up(project, work);
        System.out.println("[cluster] up (./quipu up --no-build --zk 3) in "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s; NGINX "
            + cluster.publicUrl() + "; work " + work);
        return new Started(cluster, null);
      } catch (IOException e) {
        return new Started(null, new UncheckedIOException(e));
      } catch (RuntimeException | AssertionError e) {
        return new Started(null, new IllegalStateException(e.getMessage(), e));
      }
    }

    @Override
    public void close() {
      if (cluster != null) {
        cluster.close();
      }
    }
  }
}
