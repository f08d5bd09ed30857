package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  private static List<String> uuids(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  @Test
  void of_canonicalUuids_keepsThemCompact_andGivesThemBackAsSent() {
    List<String> sent = uuids(100);
    List<String> kept = MessageIds.of(sent);

    assertInstanceOf(MessageIds.class, kept);
    assertEquals(sent, kept);
    assertEquals(sent.hashCode(), kept.hashCode());
    assertEquals(sent.get(99), kept.get(99));
    assertEquals(100, kept.size());
  }

  @Test
  void of_anIdThatIsNotACanonicalUuid_keepsTheIdsAsGiven() {
    List<String> mixed = new ArrayList<>(uuids(2));
    mixed.add("not-a-uuid");
    String upper = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
    for (List<String> ids : List.of(mixed, List.of(upper), List.of("1-1-1-1-1"))) {
      List<String> kept = MessageIds.of(ids);
      assertFalse(kept instanceof MessageIds, ids + " would not come back as sent");
      assertEquals(ids, kept);
    }
  }

  @Test
  void theIds_cannotBeChanged_norReadOutOfRange() {
    List<String> kept = MessageIds.of(uuids(2));

    assertThrows(UnsupportedOperationException.class, () -> kept.add("x"));
    assertThrows(UnsupportedOperationException.class, () -> kept.set(0, "x"));
    assertThrows(IndexOutOfBoundsException.class, () -> kept.get(2));
    assertThrows(IndexOutOfBoundsException.class, () -> kept.get(-1));
  }

  @Test
  void messagesSent_keepsItsIdsCompact_andEqualsTheSameIdsInAnyList() {
    List<String> sent = uuids(3);
    Outcome.MessagesSent outcome = new Outcome.MessagesSent(new ArrayList<>(sent));

    assertInstanceOf(MessageIds.class, outcome.ids());
    assertEquals(new Outcome.MessagesSent(List.copyOf(sent)), outcome);
    assertEquals(List.copyOf(sent), outcome.ids());
  }
}
