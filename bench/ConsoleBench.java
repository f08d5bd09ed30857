/*
 * ConsoleBench: how fast the console's pages answer with many queues. Run it with
 * `./quipu bench console [--queues 10000] [--rounds 20] [--keep]` against a node on this machine
 * (Java 17 source-file mode, JDK only; a URL that is not loopback is refused).
 *
 * It logs in to the API as admin (QUIPU_ADMIN_PASSWORD), creates --queues queues named
 * cbench-<run>-NNNNN with 16 parallel clients (one message in every tenth), logs in to the console
 * through its form (CSRF token and cookie, like a browser), then requests each page --rounds times
 * after 3 unmeasured warm-ups, one at a time, and prints p50/p95/max per page. Console actions
 * (sending a test message through the form) are measured the same way. At the end it deletes the
 * queues it created (unless --keep). Exit status 0 when every answer had the expected status, 1
 * otherwise, 2 on bad usage or a setup failure.
 */

import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class ConsoleBench {

  private static final int CLIENTS = 16;
  private static final int WARMUP = 3;
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private String bearer;
  private String cookie;
  private int failures;

  private ConsoleBench(String base) {
    this.base = base;
  }

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:8080";
    int queues = 10_000;
    int rounds = 20;
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--queues" -> queues = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--keep" -> keep = true;
        default -> {
          System.err.println("usage: ConsoleBench [--url URL] [--queues N] [--rounds N] [--keep]");
          System.exit(2);
        }
      }
    }
    if (!InetAddress.getByName(URI.create(url).getHost()).isLoopbackAddress()) {
      System.err.println("refusing to load a node that is not on this machine: " + url);
      System.exit(2);
    }
    String password = System.getenv("QUIPU_ADMIN_PASSWORD");
    if (password == null || queues < 1 || queues > 100_000 || rounds < 1 || rounds > 1000) {
      System.err.println("set QUIPU_ADMIN_PASSWORD; 1 <= --queues <= 100000; 1 <= --rounds <= 1000");
      System.exit(2);
    }
    ConsoleBench bench = new ConsoleBench(url.replaceAll("/+$", ""));
    System.exit(bench.run(password, queues, rounds, keep));
  }

  private int run(String password, int queues, int rounds, boolean keep) throws Exception {
    HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"username\":\"admin\",\"password\":\"" + password.replace("\"", "\\\"") + "\"}")));
    Matcher token = TOKEN.matcher(login.body());
    if (login.statusCode() != 201 || !token.find()) {
      System.err.println("API login failed: " + login.statusCode());
      return 2;
    }
    bearer = token.group(1);
    String run = "cbench-" + Long.toString(System.currentTimeMillis(), 36);
    List<String> names = new ArrayList<>(queues);
    for (int i = 0; i < queues; i++) {
      names.add(String.format("%s-%05d", run, i));
    }
    long started = System.nanoTime();
    int made = parallel(names, name -> {
      int status = api("PUT", "/api/v1/queues/" + name, "{}").statusCode();
      if (status == 201 && name.endsWith("0")) {
        api("POST", "/api/v1/queues/" + name + "/messages", "{\"body\":\"hello\"}");
      }
      return status == 201;
    });
    System.out.printf("created %d queues in %.1f s%n", made, (System.nanoTime() - started) / 1e9);

    consoleLogin(password);
    String one = names.get(names.size() / 2);
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("overview", "/console/");
    pages.put("queues, page 1 by name", "/console/queues");
    pages.put("queues, sorted by ready desc", "/console/queues?sort=ready&dir=desc");
    pages.put("queues, filtered to one", "/console/queues?filter=" + one);
    pages.put("queues, page 100", "/console/queues?page=100");
    pages.put("one queue", "/console/queues/" + one);
    pages.put("topics", "/console/topics");
    System.out.printf("%n%-34s %8s %8s %8s %9s%n", "page (" + rounds + " requests each)", "p50 ms",
        "p95 ms", "max ms", "KiB");
    for (Map.Entry<String, String> page : pages.entrySet()) {
      measure(page.getKey(), rounds, () -> get(page.getValue()), 200);
    }
    String csrf = csrfOf(get("/console/queues/" + one).body());
    measure("action: send a test message", rounds, () -> form("/console/queues/" + one + "/messages",
        "_csrf=" + enc(csrf) + "&body=bench&headers=&delaySeconds="), 303);
    AtomicInteger extra = new AtomicInteger();
    List<String> made2 = new ArrayList<>();
    measure("action: create a queue", rounds, () -> {
      String name = run + "-new-" + extra.incrementAndGet();
      made2.add(name);
      return form("/console/queues", "_csrf=" + enc(csrf) + "&name=" + name
          + "&visibilityTimeoutSeconds=&maxReceiveCount=&deadLetterQueue=&retentionSeconds="
          + "&maxLength=&shared=on");
    }, 303);
    measure("action: purge a queue", rounds, () -> form("/console/queues/" + one + "/purge",
        "_csrf=" + enc(csrf)), 303);
    measure("action: delete a queue", rounds, () -> made2.isEmpty()
        ? get("/console/no-queue-left")
        : form("/console/queues/" + made2.remove(0) + "/delete", "_csrf=" + enc(csrf)), 303);

    if (!keep) {
      started = System.nanoTime();
      int deleted = parallel(names,
          name -> api("DELETE", "/api/v1/queues/" + name + "?force=true", null).statusCode() == 204);
      System.out.printf("%ndeleted %d queues in %.1f s%n", deleted, (System.nanoTime() - started) / 1e9);
    }
    System.out.println(failures == 0 ? "every answer had the expected status"
        : failures + " answers had an unexpected status");
    return failures == 0 ? 0 : 1;
  }

  private interface Call {
    HttpResponse<String> call() throws Exception;
  }

  private interface Task {
    boolean run(String name) throws Exception;
  }

  private void measure(String label, int rounds, Call call, int expected) throws Exception {
    long[] millis = new long[rounds];
    long bytes = 0;
    for (int i = -WARMUP; i < rounds; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> answer = call.call();
      long elapsed = System.nanoTime() - t0;
      if (answer.statusCode() != expected) {
        failures++;
        System.out.println("  unexpected " + answer.statusCode() + " for " + label);
      }
      if (i >= 0) {
        millis[i] = elapsed / 1_000_000;
        bytes = answer.body().length();
      }
    }
    Arrays.sort(millis);
    System.out.printf("%-34s %8d %8d %8d %9.1f%n", label, millis[rounds / 2],
        millis[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.95) - 1)], millis[rounds - 1],
        bytes / 1024.0);
  }

  private int parallel(List<String> names, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    AtomicInteger ok = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (String name : names) {
        futures.add(pool.submit(() -> {
          if (task.run(name)) {
            ok.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return ok.get();
  }

  private void consoleLogin(String password) throws Exception {
    HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/console/login")).GET());
    String loginCookie = page.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("quipu_login_csrf=")).findFirst().orElseThrow().split(";")[0];
    HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + "/console/login"))
        .header("Cookie", loginCookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + enc(csrfOf(page.body()))
            + "&username=admin&password=" + enc(password) + "&next=")));
    cookie = answer.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("quipu_session=")).findFirst()
        .orElseThrow(() -> new IllegalStateException("console login failed: " + answer.statusCode()))
        .split(";")[0];
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).GET());
  }

  private HttpResponse<String> form(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> api(String method, String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String csrfOf(String html) {
    Matcher m = CSRF.matcher(html);
    if (!m.find()) {
      throw new IllegalStateException("no CSRF field on the page");
    }
    return m.group(1);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
