package org.quipu.console;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A page that says what an action will do before it acts (unsubscribe, change a role, disable,
 * revoke), rendered by {@code confirm.html}; its button posts to {@code action}. Purging and
 * deleting queues, topics and users have pages of their own, which count what is lost.
 *
 * @param heading the question, e.g. "Disable alice?"
 * @param consequence what happens, in one or two sentences
 * @param button the label of the button that acts
 * @param action the console path the button posts to (names already encoded)
 * @param cancel the console path of the page to go back to
 * @param fields hidden form fields the action needs
 * @param section the navigation entry the page belongs to
 */
public record Confirmation(String heading, String consequence, String button, String action,
    String cancel, Map<String, String> fields, String section) {

  static Confirmation of(String heading, String consequence, String button, String action,
      String cancel) {
    return new Confirmation(heading, consequence, button, action, cancel, Map.of(), "overview");
  }

  Confirmation inSection(String name) {
    return new Confirmation(heading, consequence, button, action, cancel, fields, name);
  }

  /** The same confirmation posting one more hidden field. */
  Confirmation with(String field, String value) {
    Map<String, String> more = new LinkedHashMap<>(fields);
    more.put(field, value);
    return new Confirmation(heading, consequence, button, action, cancel, more, section);
  }
}
