package org.quipu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiFormatsTest {

  /** The top-level keys OpenAPI 3.0 allows (extensions would start with {@code x-}). */
  private static final Set<String> STANDARD = Set.of(
      "openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs");

  @Test
  void choose_noAcceptOrAnyType_isYaml() {
    assertEquals("application/yaml", OpenApiFormats.choose(null, null));
    assertEquals("application/yaml", OpenApiFormats.choose(null, "*/*"));
    assertEquals("application/yaml", OpenApiFormats.choose(null, "application/*"));
  }

  @Test
  void choose_namedType_ignoringCase() {
    assertEquals("application/json", OpenApiFormats.choose(null, "APPLICATION/JSON"));
    assertEquals("application/yaml", OpenApiFormats.choose(null, "application/yaml"));
    assertEquals("application/vnd.oai.openapi+json",
        OpenApiFormats.choose(null, "application/vnd.oai.openapi+json"));
    assertEquals("text/yaml", OpenApiFormats.choose(null, "text/yaml"));
  }

  @Test
  void choose_highestQualityFirst() {
    assertEquals("application/yaml",
        OpenApiFormats.choose(null, "application/json;q=0.5, application/yaml"));
    assertEquals("application/json",
        OpenApiFormats.choose(null, "application/yaml;q=0, */*;q=0.1"));
    assertEquals("application/yaml", OpenApiFormats.choose(null, "text/html, */*;q=0.8"));
  }

  @Test
  void choose_noOfferedType_isNull() {
    assertNull(OpenApiFormats.choose(null, "text/html"));
    assertNull(OpenApiFormats.choose(null, "application/xml, text/plain"));
  }

  @Test
  void choose_formatParameter_winsOverAccept() {
    assertEquals("application/json", OpenApiFormats.choose("JSON", "application/yaml"));
    assertEquals("application/json", OpenApiFormats.choose("json", null));
    assertEquals("application/yaml", OpenApiFormats.choose("YAML", "application/json"));
  }

  @Test
  void yamlToJson_theDocument_keepsItsTreeAndOnlyStandardTopLevelKeys() throws IOException {
    JsonObject doc = Json.createReader(new StringReader(OpenApiFormats.yamlToJson(document())))
        .readObject();
    assertTrue(STANDARD.containsAll(doc.keySet()), doc.keySet().toString());
    assertEquals("3.0.3", doc.getString("openapi"));
    assertEquals("1", doc.getJsonObject("info").getString("version"));
    JsonObject register = doc.getJsonObject("paths").getJsonObject("/api/v1/users")
        .getJsonObject("post");
    assertTrue(register.getJsonObject("responses").containsKey("429"));
    assertEquals(0, register.getJsonArray("security").getJsonObject(0).size(), "anonymous: {}");
    assertEquals(262144, doc.getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("SendMessage").getJsonObject("properties").getJsonObject("body")
        .getInt("maxLength"));
  }

  private static String document() throws IOException {
    try (InputStream in = OpenApiFormatsTest.class.getClassLoader()
        .getResourceAsStream(OpenApiDocumentServlet.DOCUMENT)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
