/*
 * JfrTop: where the CPU samples of a JFR recording went, by package and by method.
 *
 *   java bench/profile/JfrTop.java RECORDING.jfr [THREAD_NAME_PREFIX]
 *
 * Reads jdk.ExecutionSample events (record with bench/profile/cpu-only.jfc: execution samples
 * only, so the recording itself sets off no wave of recompilation) and prints, for the samples
 * of threads whose name starts with the prefix (all when none is given):
 *   - inclusive share per component: samples with any frame in that package family;
 *   - self share per package (the top frame's package, three name segments);
 *   - the 25 hottest methods by self samples.
 */

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

public final class JfrTop {

  private static final Map<String, String> COMPONENTS = new LinkedHashMap<>();

  static {
    COMPONENTS.put("org.jboss.weld", "Weld (CDI)");
    COMPONENTS.put("org.glassfish.hk2", "HK2");
    COMPONENTS.put("org.glassfish.jersey", "Jersey (JAX-RS)");
    COMPONENTS.put("org.glassfish.grizzly", "Grizzly (HTTP)");
    COMPONENTS.put("org.apache.catalina", "Catalina (servlet)");
    COMPONENTS.put("com.mysql", "MySQL driver");
    COMPONENTS.put("com.fasterxml.jackson", "Jackson");
    COMPONENTS.put("org.eclipse.yasson", "Yasson (JSON-B)");
    COMPONENTS.put("org.hibernate.validator", "Bean Validation");
    COMPONENTS.put("fish.payara", "Payara");
    COMPONENTS.put("io.opentelemetry", "OpenTelemetry");
    COMPONENTS.put("org.quipu", "Quipu");
  }

  public static void main(String[] args) throws Exception {
    String prefix = args.length > 1 ? args[1] : "";
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> selfByPackage = new HashMap<>();
    Map<String, Integer> selfByMethod = new HashMap<>();
    int total = 0;
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
          continue;
        }
        var thread = e.getThread("sampledThread");
        String name = thread == null || thread.getJavaName() == null ? "" : thread.getJavaName();
        if (!name.startsWith(prefix)) {
          continue;
        }
        var frames = e.getStackTrace().getFrames();
        if (frames.isEmpty()) {
          continue;
        }
        total++;
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String type = f.getMethod().getType().getName();
          COMPONENTS.forEach((pkg, component) -> {
            if (type.startsWith(pkg)) {
              seen.add(component);
            }
          });
        }
        seen.forEach(c -> inclusive.merge(c, 1, Integer::sum));
        RecordedFrame top = frames.get(0);
        String type = top.getMethod().getType().getName();
        selfByPackage.merge(packageOf(type), 1, Integer::sum);
        selfByMethod.merge(type + "." + top.getMethod().getName(), 1, Integer::sum);
      }
    }
    System.out.printf("%d samples%s%n%nInclusive (a frame anywhere in the stack):%n", total,
        prefix.isEmpty() ? "" : " of threads '" + prefix + "*'");
    print(inclusive, total, 20);
    System.out.printf("%nSelf, by package of the top frame:%n");
    print(selfByPackage, total, 20);
    System.out.printf("%nSelf, by method:%n");
    print(selfByMethod, total, 25);
  }

  private static String packageOf(String type) {
    String[] parts = type.split("\\.");
    return String.join(".", java.util.Arrays.copyOf(parts, Math.min(3, parts.length - 1)));
  }

  private static void print(Map<String, Integer> counts, int total, int limit) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(limit)
        .forEach(en -> System.out.printf("  %5.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
  }
}
