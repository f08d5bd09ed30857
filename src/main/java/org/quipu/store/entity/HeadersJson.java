package org.quipu.store.entity;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Message headers as a JSON object of strings in the {@code messages.headers} column. */
final class HeadersJson {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private HeadersJson() {}

  static String format(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return "{}"; // most messages: no builder on the commit path
    }
    JsonObjectBuilder b = JSON.createObjectBuilder();
    new TreeMap<>(headers).forEach(b::add);
    return b.build().toString();
  }

  static Map<String, String> parse(String json) {
    if (json.equals("{}")) {
      return new LinkedHashMap<>(); // most messages: no parser on the read path
    }
    JsonObject object = JSON.createReader(new StringReader(json)).readObject();
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : object.entrySet()) {
      headers.put(e.getKey(), ((JsonString) e.getValue()).getString());
    }
    return headers;
  }
}
