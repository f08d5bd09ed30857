package org.quipu.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /openapi}: the document as a client generator fetches it, YAML or JSON by Accept. */
@ExtendWith(ArquillianExtension.class)
class OpenApiDocumentIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Set<String> STANDARD = Set.of(
      "openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs");

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

  @ArquillianResource URL url;

  @Test
  void openapi_withoutAcceptOrAskingYaml_servesTheFileAsApplicationYaml() throws Exception {
    String file = file();
    for (String accept : new String[] {null, "application/yaml", "*/*"}) {
      HttpResponse<String> reply = get("openapi", accept);
      assertEquals(200, reply.statusCode(), "Accept " + accept);
      assertEquals("application/yaml;charset=UTF-8", contentType(reply), "Accept " + accept);
      assertEquals(file, reply.body(), "Accept " + accept);
    }
  }

  @Test
  void openapi_askingJson_servesTheSameDocumentAsJson_withOnlyStandardTopLevelKeys()
      throws Exception {
    for (String[] ask : new String[][] {{"openapi", "application/json"},
        {"openapi", "APPLICATION/JSON"}, {"openapi?format=JSON", null}}) {
      HttpResponse<String> reply = get(ask[0], ask[1]);
      assertEquals(200, reply.statusCode(), String.join(" ", ask[0], ask[1]));
      assertEquals("application/json;charset=UTF-8", contentType(reply));
      JsonObject doc = Json.createReader(new StringReader(reply.body())).readObject();
      assertTrue(STANDARD.containsAll(doc.keySet()), "top-level keys " + doc.keySet());
      assertEquals("3.0.3", doc.getString("openapi"));
      assertTrue(doc.getJsonObject("paths").containsKey("/api/v1/queues/{q}/messages:receive"));
    }
  }

  @Test
  void openapi_askingNeitherYamlNorJson_answers406Problem() throws Exception {
    HttpResponse<String> reply = get("openapi", "text/html");
    assertEquals(406, reply.statusCode());
    assertTrue(contentType(reply).startsWith("application/problem+json"), contentType(reply));
    JsonObject problem = Json.createReader(new StringReader(reply.body())).readObject();
    assertEquals(406, problem.getInt("status"));
    assertTrue(problem.keySet().containsAll(Set.of("type", "title", "status", "detail")));
  }

  @Test
  void health_answersAsTheDocumentSays() throws Exception {
    for (String path : new String[] {"/health/live", "/health/ready"}) {
      URI uri = URI.create(url.getProtocol() + "://" + url.getHost() + ":" + url.getPort() + path);
      HttpRequest request = HttpRequest.newBuilder(uri).build();
      // Deployed is not yet ready: the node answers 503 until it serves its first epoch (the
      // class's first test may come that soon).
      HttpResponse<String> reply = await(path + " to answer 200").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()),
              r -> r.statusCode() == 200);
      OpenApiContract.instance().check("GET", uri, path, request.headers().map(), null,
          reply.statusCode(), reply.headers().map(), reply.body());
    }
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create(url.toString().replaceAll("/+$", "") + "/" + path));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String contentType(HttpResponse<?> reply) {
    return reply.headers().firstValue("Content-Type").orElse("").replace(" ", "");
  }

  private static String file() throws IOException {
    try (InputStream in = OpenApiDocumentIT.class.getClassLoader()
        .getResourceAsStream(OpenApiContract.DOCUMENT)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
