package org.quipu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.SendMessages;
import org.quipu.replication.LogEntry;
import org.quipu.replication.LogPosition;

/**
 * {@link JdbcCommandLog}'s base on MariaDB: compaction, a restart after a snapshot, and what every
 * read says meanwhile and after, including after a compaction that stopped between moving the base
 * and deleting the rows (a crash).
 */
class CommandLogIT {

  private static StoreDatabase db;
  private JdbcCommandLog log;

  @BeforeAll
  static void connect() {
    db = new StoreDatabase();
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void freshLog() {
    db.wipe();
    log = new JdbcCommandLog(db.dataSource);
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void aFreshLog_beginsAtStart() throws Exception {
    assertEquals(LogPosition.START, log.base());
    assertEquals(0, log.lastSeq());
    assertEquals(0, log.epochAt(0));
    assertEquals(-1, log.epochAt(1));
    assertEquals(0, log.lastEpoch());
  }

  @Test
  void compactTo_removesTheEntriesUpToIt_andReadsBeginAfterIt() throws Exception {
    log.append(entries(1, 500, 3));
    LogPosition at = new LogPosition(300, 3, 1_700_000_000_300L);

    log.compactTo(at);

    assertEquals(at, log.base());
    assertEquals(500, log.lastSeq());
    assertEquals(3, log.epochAt(300));
    assertEquals(-1, log.epochAt(299));
    assertEquals(-1, log.epochAt(0));
    assertEquals(3, log.epochAt(301));
    assertEquals(entries(301, 10, 3), log.entriesAfter(0, 10));
    assertEquals(entries(351, 10, 3), log.entriesAfter(350, 10));
    assertEquals(200, db.count("SELECT COUNT(*) FROM command_log")); // more than a delete chunk
    assertEquals(300, db.count("SELECT MIN(seq) - 1 FROM command_log"));

    log.append(entries(501, 5, 4)); // and the log goes on
    assertEquals(505, log.lastSeq());
    assertEquals(4, log.lastEpoch());
  }

  @Test
  void aBatchOfLargeAndSmallEntries_goesInSeveralInserts_andReadsBackInOrder() throws Exception {
    // Entries of about 1 KB, 200 KB and 1 MB: inserts split by JdbcCommandLog.BYTES_PER_INSERT
    // (a 1 MB entry alone) and by ROWS_PER_INSERT, all in one commit.
    List<LogEntry> batch = new ArrayList<>();
    for (long seq = 1; seq <= 80; seq++) {
      int size = seq % 10 == 3 ? 200_000 : seq == 40 ? 1_000_000 : 1_000;
      batch.add(new LogEntry(seq, 2, 1_700_000_000_000L + seq, new SendMessages("q", "alice",
          List.of(new SendMessages.NewMessage("m-" + seq, "x".repeat(size), Map.of(), 0)))));
    }
    log.append(batch);
    assertEquals(80, log.lastSeq());
    assertEquals(batch, log.entriesAfter(0, 100));
  }

  @Test
  void compactTo_aPositionTheLogDoesNotHold_isRefused_andChangesNothing() throws Exception {
    log.append(entries(1, 50, 3));
    log.compactTo(new LogPosition(10, 3, 0));

    for (LogPosition notHeld : List.of(
        new LogPosition(40, 2, 0), // another epoch's entry
        new LogPosition(51, 3, 0), // beyond the last entry
        new LogPosition(5, 3, 0), // below the base
        new LogPosition(10, 2, 0))) { // the base, of another epoch
      assertThrows(IllegalStateException.class, () -> log.compactTo(notHeld), notHeld::toString);
    }

    assertEquals(new LogPosition(10, 3, 0), log.base());
    assertEquals(40, db.count("SELECT COUNT(*) FROM command_log"));
    log.compactTo(new LogPosition(10, 3, 0)); // the base itself: nothing to do
    assertEquals(40, db.count("SELECT COUNT(*) FROM command_log"));
  }

  @Test
  void compactTo_everyEntry_leavesAnEmptyLogAfterTheBase() throws Exception {
    log.append(entries(1, 20, 3));
    log.append(entries(21, 5, 5));

    log.compactTo(new LogPosition(25, 5, 77));

    assertEquals(25, log.lastSeq());
    assertEquals(5, log.epochAt(25));
    assertEquals(5, log.lastEpoch());
    assertEquals(List.of(), log.entriesAfter(0, 10));
    assertEquals(0, db.count("SELECT COUNT(*) FROM command_log"));
    log.append(entries(26, 1, 6));
    assertEquals(entries(26, 1, 6), log.entriesAfter(25, 10));
  }

  @Test
  void aCompactionStoppedAfterMovingTheBase_hidesTheRowsLeft_andTheNextOneDeletesThem()
      throws Exception {
    log.append(entries(1, 100, 3));
    LogCompaction.moveBase(db.dataSource, new LogPosition(60, 3, 0)); // no delete: a crash

    assertEquals(100, db.count("SELECT COUNT(*) FROM command_log"));
    assertEquals(-1, log.epochAt(59));
    assertEquals(3, log.epochAt(60));
    assertEquals(entries(61, 5, 3), log.entriesAfter(10, 5));
    assertEquals(100, log.lastSeq());

    log.compactTo(new LogPosition(70, 3, 0));
    assertEquals(30, db.count("SELECT COUNT(*) FROM command_log"));
    assertEquals(entries(71, 30, 3), log.entriesAfter(0, 100));
  }

  @Test
  void restartAt_removesEveryEntry_andTheLogGoesOnAfterThePosition() throws Exception {
    log.append(entries(1, 40, 3));
    LogPosition snapshot = new LogPosition(1_000, 7, 1_700_000_001_000L);

    log.restartAt(snapshot);

    assertEquals(snapshot, log.base());
    assertEquals(1_000, log.lastSeq());
    assertEquals(7, log.epochAt(1_000));
    assertEquals(-1, log.epochAt(999));
    assertEquals(-1, log.epochAt(40));
    assertEquals(7, log.lastEpoch());
    assertEquals(List.of(), log.entriesAfter(0, 10));
    assertEquals(0, db.count("SELECT COUNT(*) FROM command_log"));

    log.append(entries(1_001, 3, 8));
    assertEquals(1_003, log.lastSeq());
    assertEquals(8, log.lastEpoch());
    assertEquals(entries(1_001, 3, 8), log.entriesAfter(0, 10));
  }

  @Test
  void restartAt_belowTheBase_removesTheEntriesAfterIt_evenRowsACompactionLeft()
      throws Exception {
    log.append(entries(1, 100, 3));
    LogCompaction.moveBase(db.dataSource, new LogPosition(80, 3, 0)); // rows 1-80 left behind

    log.restartAt(new LogPosition(50, 2, 0));

    assertEquals(50, log.lastSeq());
    assertEquals(2, log.epochAt(50));
    assertEquals(-1, log.epochAt(60));
    assertEquals(List.of(), log.entriesAfter(0, 10));
    assertEquals(0, db.count("SELECT COUNT(*) FROM command_log"));
  }

  /** {@code count} entries of {@code epoch} from {@code firstSeq} on, each a send of one message. */
  private static List<LogEntry> entries(long firstSeq, int count, long epoch) {
    List<LogEntry> entries = new ArrayList<>();
    for (long seq = firstSeq; seq < firstSeq + count; seq++) {
      entries.add(new LogEntry(seq, epoch, 1_700_000_000_000L + seq, new SendMessages("q",
          "alice", List.of(new SendMessages.NewMessage("m-" + seq, "body " + seq, Map.of(), 0)))));
    }
    return entries;
  }
}
