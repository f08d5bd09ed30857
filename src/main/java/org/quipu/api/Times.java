package org.quipu.api;

import java.time.Instant;

/** RFC 3339 UTC strings for the API from the millisecond times the state machine keeps. */
final class Times {
  private Times() {}

  static String rfc3339(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  static String rfc3339(Long millis) {
    return millis == null ? null : rfc3339(millis.longValue());
  }
}
