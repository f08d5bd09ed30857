-- Where the command log begins (CommandLog.base): the last entry compacted away, or the position
-- of the snapshot the log restarted after; (0, 0, 0) for a log that never lost an entry. One row.
-- The log holds only the entries after it: an entry row at or below it is garbage that a
-- compaction interrupted by a crash has not deleted yet, and no read returns it (JdbcCommandLog).
CREATE TABLE command_log_base (
  id               TINYINT PRIMARY KEY,
  seq              BIGINT  NOT NULL,
  epoch            BIGINT  NOT NULL,
  timestamp_millis BIGINT  NOT NULL
) ENGINE = InnoDB;

INSERT INTO command_log_base (id, seq, epoch, timestamp_millis) VALUES (1, 0, 0, 0);
