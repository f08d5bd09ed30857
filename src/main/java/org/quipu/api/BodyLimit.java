package org.quipu.api;

import java.nio.charset.StandardCharsets;

/** The one rule for a message body's size, for sends and publishes alike: its UTF-8 bytes. */
final class BodyLimit {

  private BodyLimit() {}

  /** 413 when {@code body} is larger than {@code maxBytes} in UTF-8. */
  static void check(String body, int maxBytes) {
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxBytes) {
      throw ApiException.tooLarge("message body is " + bytes + " bytes; the limit is " + maxBytes);
    }
  }
}
