package org.quipu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link JdbcCommandLog#statementRows} splits a batch into inserts (no database). */
class JdbcCommandLogTest {

  private static int[] sizes(int count, int size) {
    int[] sizes = new int[count];
    Arrays.fill(sizes, size);
    return sizes;
  }

  @Test
  void smallEntries_fillAStatementUpToItsRows() {
    assertEquals(List.of(64, 64, 22), JdbcCommandLog.statementRows(sizes(150, 1_200), 64, 256 * 1024));
  }

  @Test
  void largeEntries_fillAStatementUpToItsBytes() {
    // Batches of 100 messages of 1 KiB: about 105 KB an entry, two to a statement of 256 KiB.
    assertEquals(List.of(2, 2, 2, 1),
        JdbcCommandLog.statementRows(sizes(7, 105_000), 64, 256 * 1024));
  }

  @Test
  void anEntryLargerThanTheBytes_goesAlone_betweenTheOthers() {
    int[] sizes = {1_000, 1_000, 25_000_000, 1_000};
    assertEquals(List.of(2, 1, 1), JdbcCommandLog.statementRows(sizes, 64, 256 * 1024));
  }

  @Test
  void anEntryThatFitsExactly_staysInItsStatement() {
    int[] sizes = {100, 156};
    assertEquals(List.of(2), JdbcCommandLog.statementRows(sizes, 64, 256));
    assertEquals(List.of(1, 1), JdbcCommandLog.statementRows(sizes, 64, 255));
  }

  @Test
  void everyRowIsCounted_andAnEmptyBatchHasNoStatement() {
    assertEquals(List.of(), JdbcCommandLog.statementRows(new int[0], 64, 256));
    assertEquals(List.of(1, 1, 1), JdbcCommandLog.statementRows(sizes(3, 10), 1, 256));
  }
}
