package org.quipu.api;

/**
 * Parsing and range checks for query parameters. JAX-RS answers 404 when it cannot convert a
 * query parameter, so they are taken as strings and parsed here (400 when malformed). Also, Bean Validation's {@code @Min/@Max} on a {@code @QueryParam}
 * makes Payara's OpenAPI generator fail (a null annotation model in visitMax), so query
 * parameters are checked here instead; request bodies keep their Bean Validation annotations.
 */
final class QueryLimits {

  private QueryLimits() {}

  static void check(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw ApiException.badRequest(name + " must be between " + min + " and " + max);
    }
  }

  /** A whole-number query parameter, its default when absent; 400 (not 404) when malformed. */
  static int intParam(String name, String raw, int defaultValue, int min, int max) {
    if (raw == null) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number");
    }
    check(name, value, min, max);
    return value;
  }

  /** A boolean query parameter: exactly {@code true} or {@code false}; absent means false. */
  static boolean flag(String name, String raw) {
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw ApiException.badRequest(name + " must be true or false");
  }
}
