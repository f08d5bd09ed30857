package org.quipu.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON parser for input, used by the API's request bodies ({@link StrictJsonReader}) and
 * by the console: one configuration of Jackson that refuses rather than guesses (API.md,
 * "JSON is parsed strictly"). A body is exactly one JSON object in valid UTF-8; no member twice;
 * no trailing data; no {@code null} anywhere (no request field is nullable: optional means it may
 * be absent, and PATCH cannot unset a field); no lone surrogate, raw or escaped; a string is not a
 * number, a number not a string or a boolean, {@code 30.0} not a whole number; unknown members are
 * refused. Every refusal is a {@link ApiException} 400 whose detail names the member in the API's
 * words, never a Java type.
 *
 * <p>Why Jackson: JSON-B has no switch for duplicate members, trailing data or coercion (Yasson,
 * measured, kept the last duplicate, read {@code 5} as the String "5" and {@code "yes"} as
 * false), while Jackson has a named, documented switch for each, is the most widely used and
 * maintained JSON library on the JVM, and is already in Payara (2.20, which the WAR compiles
 * against and runs with). Thread-safe: the mapper is configured once and only read.
 */
public final class StrictJson {

  private static final ObjectMapper MAPPER = mapper();

  /** Reads one value and leaves what follows to {@link #trailing}, which names it. */
  private static final ObjectReader ONE_VALUE =
      MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private StrictJson() {}

  static ObjectMapper mapper() {
    JsonFactory factory = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        // tighter than Jackson's defaults (1000 each): requests nest three levels, and no
        // number the API takes has more than 19 digits
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(64).maxNumberLength(100).build())
        .build();
    JsonMapper mapper = JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
    // No scalar turns into another kind: the coercions ALLOW_COERCION_OF_SCALARS leaves open
    // (a number or a boolean into a String) are closed here too.
    for (LogicalType target : LogicalType.values()) {
      var config = mapper.coercionConfigFor(target);
      for (CoercionInputShape shape : CoercionInputShape.values()) {
        config.setCoercion(shape, CoercionAction.Fail);
      }
      config.setAcceptBlankAsEmpty(false);
    }
    return mapper;
  }

  /** Reads one JSON object of {@code type} from UTF-8 bytes; 400 for anything else. */
  public static <T> T read(InputStream body, Class<T> type) {
    var utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    return read(new InputStreamReader(body, utf8), type);
  }

  /** Reads one JSON object of {@code type} from text; 400 for anything else. */
  public static <T> T read(String body, Class<T> type) {
    return read(new StringReader(body), type);
  }

  /**
   * {@code text} pretty-printed when it is strict JSON (by the same rules, except that any value
   * may be at the top and {@code null} is a value like any other); empty when it is not. The
   * console uses it to show a message body that is JSON: a body with a duplicate member is shown
   * as it was sent, never with one of the duplicates silently dropped.
   */
  public static Optional<String> prettyPrinted(String text) {
    try {
      JsonNode tree = MAPPER.readTree(new StringReader(text));
      if (tree == null || tree.isMissingNode()) {
        return Optional.empty();
      }
      var printer = new DefaultPrettyPrinter().withSeparators(
          Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      return Optional.of(MAPPER.writer(printer).writeValueAsString(tree));
    } catch (IOException | RuntimeException notStrictJson) {
      return Optional.empty();
    }
  }

  private static <T> T read(Reader reader, Class<T> type) {
    JsonNode tree;
    try (JsonParser parser = MAPPER.createParser(reader)) {
      // A tree first: nulls and surrogates are checked with their path, in one place.
      tree = ONE_VALUE.readTree(parser);
      trailing(parser);
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("the body is not valid UTF-8");
    } catch (JacksonException e) {
      throw refusal(e);
    } catch (IOException e) {
      throw ApiException.badRequest("the request body could not be read");
    }
    if (tree == null || tree.isMissingNode()) {
      throw ApiException.badRequest("the body is empty; it must be a JSON object");
    }
    if (!tree.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object, not " + kind(tree));
    }
    check(tree, "");
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (JacksonException e) {
      throw refusal(e);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("the body is not a JSON object of the expected shape");
    }
  }

  /**
   * Anything after the value, even bytes that are not JSON ({@code {...} garbage}), is trailing
   * data; FAIL_ON_TRAILING_TOKENS would call the latter a syntax error.
   */
  private static void trailing(JsonParser parser) throws IOException {
    JsonToken next;
    try {
      next = parser.nextToken();
    } catch (JsonParseException notJson) {
      next = JsonToken.NOT_AVAILABLE;
    }
    if (next != null) {
      throw ApiException.badRequest("trailing data after the JSON value: a body holds one value");
    }
  }

  /** No null and no lone surrogate anywhere, in names or values. */
  private static void check(JsonNode node, String path) {
    if (node.isNull()) {
      throw ApiException.badRequest(name(path) + " must not be null (leave it out instead)");
    }
    if (node.isTextual()) {
      wellFormed(node.textValue(), name(path));
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        wellFormed(member.getKey(), "a member name in " + name(path));
        check(member.getValue(), path.isEmpty() ? member.getKey() : path + "." + member.getKey());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(node.get(i), path + "[" + i + "]");
      }
    }
  }

  /** A string with a lone surrogate (from a {@code \ud800} escape) is not Unicode text. */
  private static void wellFormed(String text, String where) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ApiException.badRequest(where + " holds a lone surrogate (\\u"
            + Integer.toHexString(c) + "); text must be valid Unicode");
      }
    }
  }

  private static String name(String path) {
    return path.isEmpty() ? "the body" : path;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "another kind of value";
    };
  }

  /** Jackson's refusal in the API's words: the member's path and what it must be. */
  private static ApiException refusal(JacksonException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return ApiException.badRequest(
          "unknown member '" + unknown.getPropertyName() + "'" + in(unknown.getPath(), 1));
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
        && !mismatch.getPath().isEmpty()) {
      return ApiException.badRequest(
          path(mismatch.getPath()) + " must be " + expected(mismatch.getTargetType()));
    }
    if (e instanceof InputCoercionException) {
      return ApiException.badRequest("a number in the body is out of range");
    }
    if (e instanceof JsonParseException parse) {
      String message = parse.getOriginalMessage();
      if (message.startsWith("Duplicate field")) {
        return ApiException.badRequest(message.replace("Duplicate field", "duplicate member"));
      }
      var where = parse.getLocation();
      return ApiException.badRequest("the body is not valid JSON: " + message
          + (where == null ? "" : " (line " + where.getLineNr() + ", column "
              + where.getColumnNr() + ")"));
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      return ApiException.badRequest(path(mapping.getPath())
          + (mapping.getCause() instanceof InputCoercionException
              ? " is out of range" : " has the wrong type"));
    }
    return ApiException.badRequest("the body is not a JSON object of the expected shape");
  }

  private static String in(List<JsonMappingException.Reference> path, int drop) {
    List<JsonMappingException.Reference> outer = path.subList(0, path.size() - drop);
    return outer.isEmpty() ? "" : " in " + path(outer);
  }

  private static String path(List<JsonMappingException.Reference> path) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
