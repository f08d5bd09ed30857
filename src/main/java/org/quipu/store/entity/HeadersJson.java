package org.quipu.store.entity;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Message headers as a JSON object of strings in the {@code messages.headers} column. */
final class HeadersJson {

  private HeadersJson() {}

  static String format(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return "{}"; // most messages: no builder on the commit path
    }
    JsonObjectBuilder b = Json.createObjectBuilder();
    new TreeMap<>(headers).forEach(b::add);
    return b.build().toString();
  }

  static Map<String, String> parse(String json) {
    JsonObject object = Json.createReader(new StringReader(json)).readObject();
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : object.entrySet()) {
      headers.put(e.getKey(), ((JsonString) e.getValue()).getString());
    }
    return headers;
  }
}
