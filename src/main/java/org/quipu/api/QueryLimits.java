package org.quipu.api;

/**
 * Range checks for query parameters. Bean Validation's {@code @Min/@Max} on a {@code @QueryParam}
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
}
