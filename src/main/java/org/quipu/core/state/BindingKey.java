package org.quipu.core.state;

/**
 * AMQP topic matching: keys are words separated by '.', {@code *} matches exactly one word and
 * {@code #} zero or more. The empty routing key is zero words.
 */
public final class BindingKey {

  private BindingKey() {}

  public static boolean matches(String bindingKey, String routingKey) {
    String[] pattern = words(bindingKey);
    String[] words = words(routingKey);
    return match(pattern, 0, words, 0);
  }

  /** Whether {@code key} is a well-formed binding key: non-empty words, '*' and '#' alone. */
  public static boolean isValid(String key) {
    if (key.isEmpty()) {
      return true;
    }
    for (String word : key.split("\\.", -1)) {
      if (word.isEmpty() || ((word.contains("*") || word.contains("#")) && word.length() > 1)) {
        return false;
      }
    }
    return true;
  }

  private static String[] words(String key) {
    return key.isEmpty() ? new String[0] : key.split("\\.", -1);
  }

  private static boolean match(String[] pattern, int p, String[] words, int w) {
    while (p < pattern.length) {
      String token = pattern[p];
      if (token.equals("#")) {
        // '#' absorbs 0..n words: try each split point (patterns are short, so this is cheap)
        for (int skip = w; skip <= words.length; skip++) {
          if (match(pattern, p + 1, words, skip)) {
            return true;
          }
        }
        return false;
      }
      if (w == words.length || !(token.equals("*") || token.equals(words[w]))) {
        return false;
      }
      p++;
      w++;
    }
    return w == words.length;
  }
}
