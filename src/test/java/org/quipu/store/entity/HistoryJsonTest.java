package org.quipu.store.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quipu.core.state.MessageEvent;

class HistoryJsonTest {

  @Test
  void roundTrip_keepsEveryEventInOrder() {
    List<MessageEvent> history = List.of(
        new MessageEvent(1_795_000_000_123L, MessageEvent.Kind.RECEIVED, "bob \"the\" consumer"),
        new MessageEvent(1_795_000_000_456L, MessageEvent.Kind.DEAD_LETTERED, "orders"),
        new MessageEvent(1_795_000_000_789L, MessageEvent.Kind.REDRIVEN, "orders"));
    assertEquals(history, HistoryJson.parse(HistoryJson.format(history)));
  }

  @Test
  void noEvents_isNull_andNullIsNoEvents() {
    assertNull(HistoryJson.format(List.of()));
    assertEquals(List.of(), HistoryJson.parse(null));
  }
}
