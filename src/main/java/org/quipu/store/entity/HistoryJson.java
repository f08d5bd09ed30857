package org.quipu.store.entity;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.quipu.core.state.MessageEvent;

/**
 * A message's history in the {@code messages.history} column: a JSON array of {@code [atMillis,
 * kind, detail]} triples, oldest first. NULL (rows from before V4, or no events yet) is empty.
 */
final class HistoryJson {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private HistoryJson() {}

  static String format(List<MessageEvent> history) {
    if (history.isEmpty()) {
      return null; // most messages on the send path: nothing to build
    }
    JsonArrayBuilder events = JSON.createArrayBuilder();
    for (MessageEvent e : history) {
      events.add(JSON.createArrayBuilder().add(e.atMillis()).add(e.kind().name()).add(e.detail()));
    }
    return events.build().toString();
  }

  static List<MessageEvent> parse(String json) {
    if (json == null) {
      return List.of();
    }
    JsonArray events = JSON.createReader(new StringReader(json)).readArray();
    List<MessageEvent> history = new ArrayList<>(events.size());
    for (JsonValue value : events) {
      JsonArray e = value.asJsonArray();
      history.add(new MessageEvent(e.getJsonNumber(0).longValueExact(),
          MessageEvent.Kind.valueOf(e.getString(1)), e.getString(2)));
    }
    return history;
  }
}
