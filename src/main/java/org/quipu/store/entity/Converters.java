package org.quipu.store.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;
import java.util.Map;
import org.quipu.core.state.MessageEvent;
import org.quipu.core.state.Outcome;

/** The JSON columns of the state tables, as JPA attribute converters over the JSON formats. */
final class Converters {

  private Converters() {}

  /** {@code messages.headers}: a JSON object of strings. */
  @Converter
  public static final class Headers implements AttributeConverter<Map<String, String>, String> {
    @Override
    public String convertToDatabaseColumn(Map<String, String> headers) {
      return headers == null ? null : HeadersJson.format(headers);
    }

    @Override
    public Map<String, String> convertToEntityAttribute(String json) {
      return json == null ? null : HeadersJson.parse(json);
    }
  }

  /** {@code messages.history}: a JSON array of events, NULL while there are none. */
  @Converter
  public static final class History implements AttributeConverter<List<MessageEvent>, String> {
    @Override
    public String convertToDatabaseColumn(List<MessageEvent> history) {
      return history == null ? null : HistoryJson.format(history);
    }

    @Override
    public List<MessageEvent> convertToEntityAttribute(String json) {
      return HistoryJson.parse(json);
    }
  }

  /** {@code idempotency_keys.outcome}: the first outcome of a keyed request, as JSON. */
  @Converter
  public static final class FirstOutcome implements AttributeConverter<Outcome, String> {
    @Override
    public String convertToDatabaseColumn(Outcome outcome) {
      return outcome == null ? null : OutcomeJson.format(outcome);
    }

    @Override
    public Outcome convertToEntityAttribute(String json) {
      return json == null ? null : OutcomeJson.parse(json);
    }
  }
}
