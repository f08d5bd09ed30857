package org.quipu.api;

import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Type;
import java.math.BigDecimal;

/**
 * The API's JSON-B: bad input is refused, never guessed at. An unknown member is a 400 (a typo such
 * as {@code visibilityTimeout} must not silently create a queue with defaults), and a whole-number
 * field given a fraction ({@code 30.5}) is a 400 rather than truncated.
 */
@Provider
public class StrictJson implements ContextResolver<Jsonb> {

  private final Jsonb jsonb =
      JsonbBuilder.create(new JsonbConfig()
          .setProperty("jsonb.fail-on-unknown-properties", true)
          .withDeserializers(new WholeLong(), new WholeInteger()));

  @Override
  public Jsonb getContext(Class<?> type) {
    return jsonb;
  }

  private static BigDecimal whole(JsonParser parser) {
    BigDecimal value;
    try {
      // Yasson hands over the parser positioned on the value (its currentEvent() is not reliable)
      value = parser.getBigDecimal();
    } catch (IllegalStateException notANumber) {
      if (parser.getValue() == JsonValue.NULL) {
        return null; // an explicit null is "not set", as if the member were absent
      }
      throw new JsonbException("expected a whole number");
    }
    if (value == null) {
      return null;
    }
    if (value.stripTrailingZeros().scale() > 0) {
      throw new JsonbException("expected a whole number, got " + value);
    }
    return value;
  }

  private static final class WholeLong implements JsonbDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser parser, DeserializationContext ctx, Type type) {
      try {
        BigDecimal value = whole(parser);
        return value == null ? null : value.longValueExact();
      } catch (ArithmeticException tooBig) {
        throw new JsonbException("number out of range");
      }
    }
  }

  private static final class WholeInteger implements JsonbDeserializer<Integer> {
    @Override
    public Integer deserialize(JsonParser parser, DeserializationContext ctx, Type type) {
      try {
        BigDecimal value = whole(parser);
        return value == null ? null : value.intValueExact();
      } catch (ArithmeticException tooBig) {
        throw new JsonbException("number out of range");
      }
    }
  }
}
