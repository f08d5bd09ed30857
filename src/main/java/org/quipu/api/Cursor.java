package org.quipu.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * The opaque {@code cursor} of a paged list: URL-safe Base64 of {@code <list>:<last key>}. A
 * cursor is accepted only by the list that issued it and only when its key is one that list can
 * hold (a name matching {@link Names#PATTERN}, a session id, a message's position), so a string
 * the server did not issue is a 400, not "the first page". It needs no secret: a well-formed
 * cursor only says where to start, which any caller could ask for with {@code prefix} anyway.
 */
final class Cursor {

  private Cursor() {}

  /** The cursor that continues {@code list} after {@code lastKey}. */
  static String issue(String list, String lastKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((list + ":" + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The key a cursor of {@code list} continues after; null without a cursor; 400 if foreign. */
  static String after(String list, String cursor, Predicate<String> validKey) {
    if (cursor == null) {
      return null;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      throw foreign();
    }
    String prefix = list + ":";
    if (!text.startsWith(prefix) || !validKey.test(text.substring(prefix.length()))) {
      throw foreign();
    }
    return text.substring(prefix.length());
  }

  static boolean isName(String key) {
    return key.matches(Names.PATTERN);
  }

  private static ApiException foreign() {
    return ApiException.badRequest("cursor is not one this list returned; pass nextCursor as it came");
  }
}
