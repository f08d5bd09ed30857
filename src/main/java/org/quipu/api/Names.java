package org.quipu.api;

/** The pattern every queue, topic, subscription and user name must match (API.md). */
public final class Names {
  public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
  public static final String MESSAGE = "must match " + PATTERN;

  private Names() {}
}
