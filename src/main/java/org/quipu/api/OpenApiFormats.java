package org.quipu.api;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The two forms of the OpenAPI document: which one a request asks for ({@link #choose}), and the
 * JSON form made from the YAML file ({@link #yamlToJson}).
 */
final class OpenApiFormats {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  /** The media types {@code /openapi} answers with, the default first. */
  static final List<String> OFFERED = List.of(
      "application/yaml", "application/json",
      "application/vnd.oai.openapi", "application/vnd.oai.openapi+json", "text/yaml");

  private OpenApiFormats() {}

  static boolean isJson(String mediaType) {
    return mediaType.endsWith("json");
  }

  /**
   * The media type to answer with: MicroProfile's {@code ?format=JSON|YAML} when given, else the
   * first offered type the {@code Accept} header allows, its highest quality first (YAML when
   * there is no header); null when it allows none.
   */
  static String choose(String format, String accept) {
    if (format != null) {
      if (format.equalsIgnoreCase("JSON")) {
        return "application/json";
      }
      if (format.equalsIgnoreCase("YAML")) {
        return "application/yaml";
      }
    }
    if (accept == null || accept.isBlank()) {
      return OFFERED.get(0);
    }
    List<Range> ranges = new ArrayList<>();
    for (String part : accept.split(",")) {
      Range range = Range.parse(part);
      if (range != null) {
        ranges.add(range);
      }
    }
    ranges.sort(Comparator.comparingDouble(Range::quality).reversed());
    for (Range range : ranges) {
      if (range.quality() <= 0) {
        break;
      }
      for (String offer : OFFERED) {
        if (range.matches(offer) && !refused(ranges, offer)) {
          return offer;
        }
      }
    }
    return null;
  }

  /** Whether the header names this exact type with {@code q=0}. */
  private static boolean refused(List<Range> ranges, String offer) {
    return ranges.stream().anyMatch(r -> r.quality() <= 0 && r.type().equals(offer));
  }

  /** One media range of an {@code Accept} header, lower case, with its quality. */
  private record Range(String type, double quality) {

    static Range parse(String text) {
      String[] parts = text.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (!type.contains("/")) {
        return null;
      }
      double quality = 1;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim();
        if (param.toLowerCase(Locale.ROOT).startsWith("q=")) {
          try {
            quality = Double.parseDouble(param.substring(2).trim());
          } catch (NumberFormatException e) {
            quality = 0;
          }
        }
      }
      return new Range(type, quality);
    }

    boolean matches(String offer) {
      if (type.equals("*/*") || type.equals(offer)) {
        return true;
      }
      return type.endsWith("/*") && offer.startsWith(type.substring(0, type.length() - 1));
    }
  }

  /** The document as JSON: the same tree, every mapping key a string. */
  static String yamlToJson(String yaml) {
    Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return json(tree).toString();
  }

  private static JsonValue json(Object node) {
    if (node == null) {
      return JsonValue.NULL;
    }
    if (node instanceof Map<?, ?> map) {
      JsonObjectBuilder object = JSON.createObjectBuilder();
      map.forEach((key, value) -> object.add(String.valueOf(key), json(value)));
      return object.build();
    }
    if (node instanceof List<?> list) {
      JsonArrayBuilder array = JSON.createArrayBuilder();
      list.forEach(item -> array.add(json(item)));
      return array.build();
    }
    if (node instanceof Boolean b) {
      return b ? JsonValue.TRUE : JsonValue.FALSE;
    }
    if (node instanceof Integer || node instanceof Long) {
      return JSON.createValue(((Number) node).longValue());
    }
    if (node instanceof BigInteger big) {
      return JSON.createValue(big);
    }
    if (node instanceof Double d) {
      return JSON.createValue(BigDecimal.valueOf(d));
    }
    if (node instanceof String s) {
      return JSON.createValue(s);
    }
    throw new IllegalArgumentException(
        "the OpenAPI document holds a " + node.getClass().getSimpleName() + " (" + node
            + "); quote it so it stays a string");
  }
}
