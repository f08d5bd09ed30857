package org.quipu.api;

import java.util.regex.Pattern;

/**
 * The pattern every queue, topic, subscription and user name must match (API.md).
 *
 * <p>Names in request bodies are checked by Bean Validation on the request records ({@code
 * @Pattern(regexp = PATTERN)}). Names in the path are checked by {@link #require} at the top of
 * the resource method: a constraint on a parameter of an application-scoped resource was validated
 * twice per call — by Jersey and again by Hibernate Validator's CDI interceptor through a Weld
 * proxy (3.7 % of a single send's CPU samples, JFR 2026-12-04) — and switching executable
 * validation off in {@code validation.xml} switches Jersey's off too.
 */
public final class Names {
  public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
  public static final String MESSAGE = "must match " + PATTERN;

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  private Names() {}

  /**
   * Returns {@code name} if it matches the pattern; otherwise a 400 whose detail names the path
   * parameter, as {@code what} ("queue", "topic", "subscription").
   */
  public static String require(String what, String name) {
    if (name == null || !COMPILED.matcher(name).matches()) {
      throw ApiException.badRequest(what + " " + MESSAGE);
    }
    return name;
  }
}
