package org.quipu.console;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading HTML form fields into the API's request types: an empty field means "not given", a
 * malformed one adds a message to {@code errors} for the page to show next to the form.
 */
final class Forms {

  private Forms() {}

  static String optional(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  static Long optionalLong(String label, String value, List<String> errors) {
    String v = optional(value);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      errors.add(label + " must be a whole number.");
      return null;
    }
  }

  static Integer optionalInt(String label, String value, List<String> errors) {
    Long v = optionalLong(label, value, errors);
    if (v != null && (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)) {
      errors.add(label + " is out of range.");
      return null;
    }
    return v == null ? null : v.intValue();
  }

  /**
   * The checks of a test message typed in a form (send or publish): the body's UTF-8 size and the
   * headers, one per line. Returns the headers; problems go to {@code errors}.
   */
  static Map<String, String> message(String body, String headerLines, int maxBodyBytes,
      List<String> errors) {
    if (body.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
      errors.add("The body is larger than " + maxBodyBytes + " bytes.");
    }
    return headers(headerLines, errors);
  }

  /** Headers typed one per line as {@code name: value}; blank lines are skipped. */
  static Map<String, String> headers(String text, List<String> errors) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (text == null) {
      return headers;
    }
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        errors.add("Each header line needs the form 'name: value' (got '" + quote(line.strip()) + "').");
        continue;
      }
      headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    return headers;
  }

  /** User input quoted back in a message: at most 60 characters. */
  static String quote(String text) {
    return text.length() <= 60 ? text : text.substring(0, 59) + "…";
  }

  /** The console's name for a field of an API request in a validation message. */
  static String label(String property) {
    String field = property.split("[<\\[.]", 2)[0]; // "headers<K>[x].<map key>" is "headers"
    return switch (field) {
      case "visibilityTimeoutSeconds" -> "Visibility timeout";
      case "maxReceiveCount" -> "Max receive count";
      case "deadLetterQueue" -> "Dead-letter queue";
      case "retentionSeconds" -> "Retention";
      case "maxLength" -> "Max length";
      case "delaySeconds" -> "Delay";
      case "routingKey" -> "Routing key";
      case "headers" -> "Headers:";
      case "body" -> "Body";
      case "username" -> "User name";
      case "password" -> "Password";
      default -> field;
    };
  }
}
