package org.quipu.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP client for the REST API as a black box: JSON in, status, headers and JSON out. One
 * instance per caller identity ({@link #as} returns a copy with another token). Every exchange is
 * checked against the OpenAPI document ({@link OpenApiContract}): a response the document does not
 * allow fails the test that received it.
 *
 * <p>Session-consistent, as API.md tells a client behind NGINX to be: it remembers the highest
 * {@code X-Quipu-Applied-Seq} any answer from a target (one node, or NGINX in front of a cluster)
 * carried and sends it as {@code X-Quipu-Min-Seq} on every request to that target, so a follower
 * answers only once it has applied every write this JVM saw answered. One number for all the
 * callers of a target is stricter than per-user sessions need, and simpler. A caller that sends its
 * own {@code X-Quipu-Min-Seq} (the tests of that header) is left alone. On a single node the node
 * has always applied what it answered, so this changes nothing there.
 *
 * <p>NGINX limits logins and registrations per client address (5 a second, bursts of 20); the
 * suite, all from 127.0.0.1, goes faster. Its 429 (NGINX's own: no {@code X-Quipu-Node}) is
 * honoured as any client would: wait {@code Retry-After}, send again. A node's 429 (its per-name
 * limit, which the tests check) is returned as it is.
 */
public final class Api {

  /**
   * HTTP/1.1, as NGINX speaks to the nodes. The JDK's default (HTTP/2, by an h2c upgrade against a
   * node itself) makes Payara Micro 6.2025.10 keep every asynchronous request it served (each
   * write): 2,000 sends over HTTP/2 left 2,002 requests and about 44 MB live in the node's heap,
   * which kept NodeCrashClusterIT's memory alarm from clearing once its queue was deleted.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private static final AtomicInteger NAMES = new AtomicInteger();

  public static final String ADMIN_PASSWORD =
      System.getenv().getOrDefault("QUIPU_ADMIN_PASSWORD", "it-admin-password");
  /** The scrape token {@code /metrics} accepts ({@code ./quipu test} sets it for the ITs' node). */
  public static final String METRICS_TOKEN =
      System.getenv().getOrDefault("QUIPU_METRICS_TOKEN", "it-metrics-token");

  private static final String MIN_SEQ = "X-Quipu-Min-Seq";
  /** Per target (scheme, host and port): the highest X-Quipu-Applied-Seq an answer carried. */
  private static final Map<String, AtomicLong> SEEN_SEQ = new ConcurrentHashMap<>();
  /** How long NGINX's per-address limit may hold one request back before the test fails. */
  private static final Duration NGINX_LIMIT_AT_MOST = Duration.ofSeconds(60);

  private final URI base;
  private final String token;

  public Api(URL deployment) {
    this(URI.create(deployment.toString().replaceAll("/+$", "") + "/api/v1/"), null);
  }

  private Api(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** A name no other test uses: {@code prefix-<random>-<n>}. */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + NAMES.incrementAndGet();
  }

  public Api as(String bearerToken) {
    return new Api(base, bearerToken);
  }

  public String token() {
    return token;
  }

  /**
   * The highest {@code X-Quipu-Applied-Seq} seen from this client's target (0 before any), which
   * this client sends as {@code X-Quipu-Min-Seq}: for requests a test builds by hand.
   */
  public long seenSeq() {
    return seen(base).get();
  }

  private static AtomicLong seen(URI target) {
    return SEEN_SEQ.computeIfAbsent(target.getScheme() + "://" + target.getRawAuthority(),
        t -> new AtomicLong());
  }

  /** Registers a fresh user and returns a client logged in as them. */
  public Api newUser(String prefix) {
    String name = unique(prefix);
    post("users", Json.createObjectBuilder().add("username", name).add("password", "password-" + name).build())
        .expect(201);
    return login(name, "password-" + name);
  }

  public Api login(String username, String password) {
    Reply reply =
        post("sessions", Json.createObjectBuilder().add("username", username).add("password", password).build())
            .expect(201);
    return as(reply.object().getString("token"));
  }

  public Api admin() {
    return login("admin", ADMIN_PASSWORD);
  }

  /** The caller's name, from {@code GET /users/me}. */
  public String username() {
    return get("users/me").expect(200).object().getString("username");
  }

  /** Every item of a paged list ({@code sessions}, {@code users}, ...), following nextCursor. */
  public List<JsonObject> items(String path) {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    do {
      String sep = path.contains("?") ? "&" : "?";
      JsonObject page = get(path + sep + "limit=1000" + (cursor == null ? "" : "&cursor=" + cursor))
          .expect(200).object();
      all.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class));
      cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
    } while (cursor != null);
    return all;
  }

  public Reply get(String path) {
    return send("GET", path, null, null);
  }

  public Reply delete(String path) {
    return send("DELETE", path, null, null);
  }

  public Reply post(String path, JsonStructure body) {
    return send("POST", path, body == null ? null : body.toString(), "application/json");
  }

  public Reply put(String path, JsonStructure body) {
    return send("PUT", path, body == null ? null : body.toString(), "application/json");
  }

  public Reply patch(String path, JsonStructure body) {
    return send("PATCH", path, body.toString(), "application/json");
  }

  /** Any request, for the malformed cases: raw body text and content type (either may be null). */
  public Reply send(String method, String path, String body, String contentType, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    boolean ownMinSeq = false;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      ownMinSeq |= headers[i].equalsIgnoreCase(MIN_SEQ);
    }
    long seen = seenSeq();
    if (!ownMinSeq && seen > 0) {
      b.header(MIN_SEQ, Long.toString(seen));
    }
    b.method(method, body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    HttpRequest request = b.build();
    long giveUp = System.nanoTime() + NGINX_LIMIT_AT_MOST.toNanos();
    try {
      while (true) {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        OpenApiContract.instance().check(method, request.uri(),
            documentPath(request.uri()), request.headers().map(), body,
            response.statusCode(), response.headers().map(), response.body());
        remember(response);
        if (!limitedByNginx(response) || System.nanoTime() > giveUp) {
          return new Reply(response);
        }
        long retryAfter = response.headers().firstValue("Retry-After").map(Long::parseLong)
            .orElse(1L);
        Thread.sleep(Duration.ofSeconds(retryAfter).toMillis());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void remember(HttpResponse<String> response) {
    response.headers().firstValue("X-Quipu-Applied-Seq").ifPresent(value -> {
      try {
        long applied = Long.parseLong(value.trim());
        seen(base).accumulateAndGet(applied, Math::max);
      } catch (NumberFormatException notANumber) {
        // Reply.appliedSeq() fails the tests that check the header
      }
    });
  }

  /** NGINX's per-address limit on logins and registrations, not a node's answer. */
  private static boolean limitedByNginx(HttpResponse<String> response) {
    return response.statusCode() == 429 && response.headers().firstValue("X-Quipu-Node").isEmpty();
  }

  /** The request's path as the OpenAPI document spells it, without the context root. */
  private String documentPath(URI uri) {
    String root = base.getRawPath().substring(0, base.getRawPath().length() - "/api/v1/".length());
    String path = uri.getRawPath();
    return path.startsWith(root) ? path.substring(root.length()) : path;
  }

  /** A response, with assertions that print the body when they fail. */
  public record Reply(HttpResponse<String> http) {

    public int status() {
      return http.statusCode();
    }

    public String body() {
      return http.body();
    }

    public String header(String name) {
      return http.headers().firstValue(name).orElse(null);
    }

    /**
     * Asserts that the reply names its node ({@code X-Quipu-Node}) and its applied sequence number
     * ({@code X-Quipu-Applied-Seq}); returns that number.
     */
    public long appliedSeq() {
      String node = header("X-Quipu-Node");
      String seq = header("X-Quipu-Applied-Seq");
      if (node == null || node.isBlank() || seq == null) {
        throw new AssertionError(http.request().method() + " " + http.request().uri()
            + ": missing X-Quipu-Node or X-Quipu-Applied-Seq, headers " + http.headers().map());
      }
      try {
        return Long.parseLong(seq.trim());
      } catch (NumberFormatException e) {
        throw new AssertionError("X-Quipu-Applied-Seq is not a number: " + seq);
      }
    }

    public Reply expect(int status) {
      if (http.statusCode() != status) {
        throw new AssertionError(http.request().method() + " " + http.request().uri() + ": expected "
            + status + " but got " + http.statusCode() + " " + http.body() + " (X-Quipu-Node "
            + header("X-Quipu-Node") + ", X-Quipu-Applied-Seq " + header("X-Quipu-Applied-Seq")
            + ", X-Quipu-Min-Seq sent " + http.request().headers().firstValue("X-Quipu-Min-Seq")
            .orElse("none") + ")");
      }
      return this;
    }

    /** Expects a problem+json with this status and all four members; returns it. */
    public JsonObject problem(int status) {
      expect(status);
      String type = header("Content-Type");
      if (type == null || !type.startsWith("application/problem+json")) {
        throw new AssertionError("expected application/problem+json but got " + type + ": " + body());
      }
      JsonObject problem = object();
      for (String member : new String[] {"type", "title", "status", "detail"}) {
        if (!problem.containsKey(member)) {
          throw new AssertionError("problem without '" + member + "': " + body());
        }
      }
      if (problem.getInt("status") != status) {
        throw new AssertionError("problem status differs from HTTP status: " + body());
      }
      return problem;
    }

    public JsonObject object() {
      return (JsonObject) json();
    }

    public JsonArray array() {
      return (JsonArray) json();
    }

    public JsonValue json() {
      return Json.createReader(new StringReader(http.body())).readValue();
    }
  }
}
