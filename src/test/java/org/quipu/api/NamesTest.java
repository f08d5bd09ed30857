package org.quipu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void require_returnsANameThatMatchesThePattern() {
    for (String name : new String[] {"a", "orders", "Orders.v2_eu-1", "9", "x".repeat(128)}) {
      assertEquals(name, Names.require("queue", name));
    }
  }

  @Test
  void require_refusesAnythingElse_with400NamingWhatWasChecked() {
    for (String name : new String[] {null, "", "-dash", ".dot", "_under", "has space", "café",
        "bang!", "a/b", "x".repeat(129), "line\nbreak"}) {
      ApiException refused = assertThrows(ApiException.class, () -> Names.require("topic", name),
          String.valueOf(name));
      assertEquals(400, refused.status());
      assertEquals("topic must match " + Names.PATTERN, refused.getMessage());
    }
  }
}
