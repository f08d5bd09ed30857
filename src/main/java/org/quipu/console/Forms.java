package org.quipu.console;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.quipu.api.Names;

/**
 * Reading HTML form fields into the API's request types: an empty field means "not given", a
 * malformed one adds a message for that field to {@link FieldErrors}, in the words the form shows
 * (its labels, never the API's member names).
 */
final class Forms {

  /** The rule of {@link Names#PATTERN} as people read it. */
  static final String NAME_RULE =
      "1–128 letters, digits, '.', '_' or '-', starting with a letter or digit";

  /** The form's label of each field, by the API member name the field carries. */
  private static final Map<String, String> LABELS = Map.ofEntries(
      Map.entry("name", "Name"),
      Map.entry("visibilityTimeoutSeconds", "Visibility timeout (s)"),
      Map.entry("maxReceiveCount", "Max receive count"),
      Map.entry("deadLetterQueue", "Dead-letter queue"),
      Map.entry("retentionSeconds", "Retention (s)"),
      Map.entry("maxLength", "Max length"),
      Map.entry("delaySeconds", "Delay (s)"),
      Map.entry("routingKey", "Routing key"),
      Map.entry("bindingKey", "Binding key"),
      Map.entry("queue", "Deliver into queue"),
      Map.entry("headers", "Headers"),
      Map.entry("body", "Body"),
      Map.entry("username", "User name"),
      Map.entry("password", "Password"),
      Map.entry("role", "Role"));

  private Forms() {}

  static String optional(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  static Long optionalLong(String field, String value, FieldErrors errors) {
    String v = optional(value);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      errors.add(field, label(field) + " must be a whole number.");
      return null;
    }
  }

  static Integer optionalInt(String field, String value, FieldErrors errors) {
    Long v = optionalLong(field, value, errors);
    if (v != null && (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)) {
      errors.add(field, label(field) + " is out of range.");
      return null;
    }
    return v == null ? null : v.intValue();
  }

  /**
   * The checks of a test message typed in a form (send or publish): the body's UTF-8 size and the
   * headers, one per line. Returns the headers; problems go to {@code errors}.
   */
  static Map<String, String> message(String body, String headerLines, int maxBodyBytes,
      FieldErrors errors) {
    if (body.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
      errors.add("body", "Body is larger than " + maxBodyBytes + " bytes.");
    }
    return headers(headerLines, errors);
  }

  /**
   * Headers typed one per line as {@code name: value} (the form's hint) or {@code name=value}
   * (as the messages table shows them); blank lines are skipped.
   */
  static Map<String, String> headers(String text, FieldErrors errors) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (text == null) {
      return headers;
    }
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int split = headerSplit(line);
      if (split <= 0) {
        errors.add("headers", "Each line of Headers needs the form 'name: value' (got '"
            + quote(line.strip()) + "').");
        continue;
      }
      headers.put(line.substring(0, split).strip(), line.substring(split + 1).strip());
    }
    return headers;
  }

  /** Where a header line splits into name and value: its first ':' or '=', -1 for neither. */
  static int headerSplit(String line) {
    int colon = line.indexOf(':');
    int equals = line.indexOf('=');
    if (colon < 0 || (equals >= 0 && equals < colon)) {
      return equals;
    }
    return colon;
  }

  /** User input quoted back in a message: at most 60 characters. */
  static String quote(String text) {
    return text.length() <= 60 ? text : text.substring(0, 59) + "…";
  }

  /** The API member a Bean Validation property path is about ("headers<K>[x].<map key>" is "headers"). */
  static String field(String property) {
    return property.split("[<\\[.]", 2)[0];
  }

  /**
   * A refusal of the state machine with the API member names it mentions replaced by the form's
   * labels ("change their deadLetterQueue first" reads "change their Dead-letter queue first").
   */
  static String inFormWords(String brokerMessage) {
    String text = brokerMessage == null ? "" : brokerMessage;
    for (Map.Entry<String, String> e : LABELS.entrySet()) {
      if (isCamelCase(e.getKey())) {
        text = text.replace(e.getKey(), e.getValue());
      }
    }
    return text;
  }

  /** Only camelCase members are replaced: "name", "body" or "queue" are ordinary words too. */
  private static boolean isCamelCase(String member) {
    return !member.equals(member.toLowerCase(Locale.ROOT));
  }

  /** The form's label for an API member. */
  static String label(String field) {
    return LABELS.getOrDefault(field, field);
  }

  /** A Bean Validation violation of the API's request type, as a sentence in the form's words. */
  static String violation(String property, String message) {
    String field = field(property);
    if (property.contains("<map key>")) {
      return label(field) + ": a header name has 1 to 256 characters.";
    }
    if (property.contains("[")) {
      return label(field) + ": a header value has at most 4096 characters.";
    }
    if (Names.MESSAGE.equals(message)) {
      return label(field) + ": " + NAME_RULE + ".";
    }
    return label(field) + " " + message + ".";
  }

  /**
   * A refusal of the state machine put in the form's words: API member names it mentions become
   * labels. It is added under the field it is about (the first member named), or under {@link
   * FieldErrors#FORM} when it names none.
   */
  static void refusal(String brokerMessage, FieldErrors errors) {
    String raw = brokerMessage == null ? "" : brokerMessage;
    String field = FieldErrors.FORM;
    int first = Integer.MAX_VALUE;
    for (String member : LABELS.keySet()) {
      int at = raw.indexOf(member);
      if (at >= 0 && isCamelCase(member) && at < first) {
        first = at;
        field = member;
      }
    }
    String text = inFormWords(raw);
    if (field.equals(FieldErrors.FORM)) { // "dead-letter queue 'x' does not exist"
      String lower = text.toLowerCase(Locale.ROOT);
      for (Map.Entry<String, String> e : LABELS.entrySet()) {
        String label = e.getValue().replace(" (s)", "").toLowerCase(Locale.ROOT);
        int at = lower.indexOf(label);
        if (label.matches(".*[ -].*") && at >= 0 && at < first) {
          first = at;
          field = e.getKey();
        }
      }
    }
    errors.add(field, ConsoleResource.sentence(text));
  }
}
