package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.StartEpoch;

/** Appends stay under the transport's message limit however large the entries (the 30 MB append). */
class EntrySizesTest {

  private static LogEntry send(long seq, int bodyChars) {
    return new LogEntry(seq, 1, 0, new SendMessages("q", "alice",
        List.of(new SendMessages.NewMessage("m" + seq, "x".repeat(bodyChars), Map.of(), 0))));
  }

  @Test
  void entriesWithLargeBodies_areCutToTheBudget() {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 2_000; i++) {
      entries.add(send(i, 15_000)); // what the bench leaves: 2,000 of them made a 30 MB append
    }
    List<LogEntry> cut = EntrySizes.within(entries, Replicator.MAX_APPEND_BYTES);
    long bytes = cut.stream().mapToLong(EntrySizes::approximate).sum();
    assertTrue(cut.size() < 2_000 && cut.size() > 10, "kept " + cut.size());
    assertTrue(bytes <= Replicator.MAX_APPEND_BYTES, bytes + " bytes");
  }

  @Test
  void anAppendsDeadline_growsWithItsBytes() {
    ReplicationSettings settings = ReplicationSettings.defaults();
    assertEquals(settings.rpcDeadline(), Replicator.deadlineFor(settings, List.of()));
    assertEquals(settings.rpcDeadline(), Replicator.deadlineFor(settings,
        List.of(send(1, 1_000_000))), "an append within MAX_APPEND_BYTES keeps the deadline");
    // The largest batch API.md allows: 100 bodies of 256 KiB, one entry of 25 MB.
    List<SendMessages.NewMessage> full = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      full.add(new SendMessages.NewMessage("m" + i, "x".repeat(256 * 1024), Map.of(), 0));
    }
    LogEntry batch = new LogEntry(1, 1, 0, new SendMessages("q", "alice", full));
    long millis = Replicator.deadlineFor(settings, List.of(batch)).toMillis();
    assertTrue(millis >= settings.rpcDeadline().toMillis() + 4_000 && millis < 8_000,
        millis + " ms for 25 MB");
  }

  @Test
  void oneEntryLargerThanTheBudget_stillGoesAlone() {
    List<LogEntry> cut = EntrySizes.within(List.of(send(1, 5_000_000), send(2, 10)), 1_000);
    assertEquals(1, cut.size());
  }

  @Test
  void smallEntries_allGo() {
    List<LogEntry> small = List.of(new LogEntry(1, 1, 0, new StartEpoch()),
        new LogEntry(2, 1, 0, new StartEpoch()));
    assertEquals(small, EntrySizes.within(small, Replicator.MAX_APPEND_BYTES));
  }
}
