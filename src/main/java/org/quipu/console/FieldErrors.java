package org.quipu.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is wrong with a posted form, by the name of the field it belongs to, so that the page shows
 * each message beside its field (the {@code fragments :: error} fragment) and keeps what was typed.
 * A refusal that belongs to no one field is kept under {@link #FORM} and shown above the form's
 * button.
 */
public final class FieldErrors {

  /** The key of a message about the form as a whole. */
  public static final String FORM = "form";

  private final Map<String, List<String>> byField = new LinkedHashMap<>();

  /** No errors: the form as first shown. */
  static FieldErrors none() {
    return new FieldErrors();
  }

  void add(String field, String message) {
    byField.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
  }

  public boolean isEmpty() {
    return byField.isEmpty();
  }

  public boolean has(String field) {
    return byField.containsKey(field);
  }

  /** The messages of one field, joined into one text. */
  public String of(String field) {
    return String.join(" ", byField.getOrDefault(field, List.of()));
  }

  /** The first field with a message, which the page focuses so that the message is in view. */
  public String first() {
    return byField.isEmpty() ? null : byField.keySet().iterator().next();
  }

  @Override
  public String toString() {
    return byField.toString();
  }
}
