package org.quipu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A cursor is good only for the list that issued it, with a key that list can hold. */
class CursorTest {

  private static String encoded(String text) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void foreign(String list, String cursor) {
    ApiException e = assertThrows(ApiException.class,
        () -> Cursor.after(list, cursor, Cursor::isName));
    assertEquals(400, e.status());
  }

  @Test
  void after_issuedCursor_givesItsKey() {
    assertEquals("orders.eu", Cursor.after("queues", Cursor.issue("queues", "orders.eu"),
        Cursor::isName));
  }

  @Test
  void after_noCursor_isNull() {
    assertNull(Cursor.after("queues", null, Cursor::isName));
  }

  @Test
  void after_anotherListsCursor_is400() {
    foreign("topics", Cursor.issue("queues", "a"));
    foreign("browse:q1", Cursor.issue("browse:q2", "a"));
  }

  @Test
  void after_garbageOrAKeyTheListCannotHold_is400() {
    foreign("queues", "abc");
    foreign("queues", "%%");
    foreign("queues", "");
    foreign("queues", encoded("queues:"));
    foreign("queues", encoded("queues:../etc"));
    foreign("queues", encoded("queues:a;b"));
  }
}
