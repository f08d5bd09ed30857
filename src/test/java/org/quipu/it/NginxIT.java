package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * NGINX in front of a node, rendered from the same template {@code ./quipu up} uses ({@code
 * ./quipu nginx-config}) and run as a process of this test: HTTP and HTTPS reach the node, HTTPS
 * adds HSTS, NGINX's own refusals (413, 429, 502) are problem+json, and a long poll passes through.
 * The login flood runs last: the per-address limit it exhausts is shared by the whole class.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

  @ArquillianResource URL url;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<Process> NGINX = new ArrayList<>();
  private static final List<Path> PREFIXES = new ArrayList<>();
  private static int httpPort;
  private static int httpsPort;
  private static int deadHttpPort; // a second NGINX whose only node is a closed port

  @BeforeEach
  void startNginxOnce() throws Exception {
    if (!NGINX.isEmpty()) {
      return;
    }
    httpPort = LoopbackPorts.free();
    httpsPort = LoopbackPorts.free();
    start(httpPort, httpsPort, url.getPort());
    deadHttpPort = LoopbackPorts.free();
    start(deadHttpPort, LoopbackPorts.free(), LoopbackPorts.free());
  }

  @AfterAll
  static void stopNginx() throws Exception {
    for (Process p : NGINX) {
      p.destroy(); // SIGTERM: NGINX's master stops its worker and exits
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    for (Path prefix : PREFIXES) {
      try (var files = Files.walk(prefix)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** Renders the project's template for one node port and starts NGINX on it. */
  private static void start(int http, int https, int nodePort) throws Exception {
    Path prefix = Files.createTempDirectory("quipu-nginx-it");
    PREFIXES.add(prefix);
    Process render = new ProcessBuilder("./quipu", "nginx-config", prefix.toString(),
        "" + http, "" + https, "" + nodePort).redirectErrorStream(true).start();
    String renderOut = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, render.waitFor(), "./quipu nginx-config: " + renderOut);
    Process nginx = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c",
        prefix.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
    NGINX.add(nginx);
    for (int i = 0; i < 100; i++) {
      try (Socket s = new Socket("127.0.0.1", http)) {
        return;
      } catch (IOException notYet) {
        assertTrue(nginx.isAlive(), "NGINX exited: " + Files.readString(prefix.resolve("nginx.out")));
        Thread.sleep(100);
      }
    }
    throw new AssertionError("NGINX did not listen on " + http);
  }

  private static HttpResponse<String> get(HttpClient client, String uri) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A problem+json answer with all four members and the status it claims. */
  private static JsonObject problem(int status, String contentType, String body) {
    assertEquals("application/problem+json", contentType, body);
    JsonObject problem = Json.createReader(new StringReader(body)).readObject();
    for (String member : new String[] {"type", "title", "status", "detail"}) {
      assertTrue(problem.containsKey(member), member + " missing in " + body);
    }
    assertEquals(status, problem.getInt("status"));
    return problem;
  }

  @Test
  @Order(1)
  void httpAndHttps_reachTheNode_andOnlyHttpsAddsHsts() throws Exception {
    HttpResponse<String> plain = get(HTTP, "http://127.0.0.1:" + httpPort + "/health/ready");
    assertEquals(200, plain.statusCode(), plain.body());
    assertTrue(plain.headers().firstValue("X-Quipu-Node").isPresent(), "answered by a node");
    assertNull(plain.headers().firstValue("Strict-Transport-Security").orElse(null));

    SSLContext trustAll = SSLContext.getInstance("TLS"); // the certificate is self-signed
    trustAll.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String auth) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String auth) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, new SecureRandom());
    HttpClient tls = HttpClient.newBuilder().sslContext(trustAll).build();
    HttpResponse<String> secure = get(tls, "https://127.0.0.1:" + httpsPort + "/health/ready");
    assertEquals(200, secure.statusCode(), secure.body());
    assertTrue(secure.headers().firstValue("X-Quipu-Node").isPresent());
    assertEquals("max-age=31536000",
        secure.headers().firstValue("Strict-Transport-Security").orElse(null));
  }

  @Test
  @Order(2)
  void aLongPoll_passesThroughNginx() throws Exception {
    Api api = new Api(new URL("http://127.0.0.1:" + httpPort + "/")).newUser("nginx");
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    long started = System.nanoTime();
    Api.Reply reply = api.post("queues/" + q + "/messages:receive",
        Json.createObjectBuilder().add("waitSeconds", 3).build()).expect(200);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals("[]", reply.body().replace(" ", ""));
    assertTrue(waitedMillis >= 2_500, "answered after " + waitedMillis + " ms, not held 3 s");
  }

  @Test
  @Order(3)
  void aBodyOverTheLimit_is413ProblemJson_beforeItIsSent() throws Exception {
    // Only the headers: NGINX judges Content-Length and answers before any body is sent.
    try (Socket s = new Socket("127.0.0.1", httpPort)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v1/queues/q/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: 40000000\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      String contentType = answer.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
          .findFirst().orElse("").substring("content-type:".length()).trim();
      problem(413, contentType, answer.substring(answer.indexOf("\r\n\r\n") + 4).trim());
    }
  }

  @Test
  @Order(4)
  void noReachableNode_is502ProblemJson_forEveryMethod() throws Exception {
    // PUT and DELETE take another path through NGINX (@no_retry) than GET, POST and PATCH.
    for (String method : new String[] {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      HttpRequest.BodyPublisher body = method.equals("GET") || method.equals("DELETE")
          ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}");
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + deadHttpPort + "/api/v1/queues/q"))
          .header("Content-Type", "application/json").method(method, body)
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(502, answer.statusCode(), method);
      problem(502, answer.headers().firstValue("Content-Type").orElse(null), answer.body());
    }
  }

  @Test
  @Order(5)
  void loginsFromOneAddress_areLimited_with429ProblemAndRetryAfter() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String body = "{\"username\":\"nobody-" + i + "\",\"password\":\"wrong-password\"}";
        answers.add(pool.submit(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/api/v1/sessions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString())));
      }
      HttpResponse<String> limited = null;
      int refused = 0;
      for (Future<HttpResponse<String>> f : answers) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        assertTrue(r.statusCode() == 401 || r.statusCode() == 429, r.statusCode() + " " + r.body());
        if (r.statusCode() == 429) {
          refused++;
          limited = r;
        }
      }
      assertTrue(refused >= 20, refused + " of 60 refused: a burst of 20 then 5 a second");
      assertNotNull(limited);
      problem(429, limited.headers().firstValue("Content-Type").orElse(null), limited.body());
      assertEquals("1", limited.headers().firstValue("Retry-After").orElse(null));
      // Reading is not limited: the same address still lists its queues.
      HttpResponse<String> read = get(HTTP, "http://127.0.0.1:" + httpPort + "/api/v1/queues");
      assertEquals(401, read.statusCode(), "reached the node (no token), not refused by NGINX");
    } finally {
      pool.shutdownNow();
    }
  }
}
