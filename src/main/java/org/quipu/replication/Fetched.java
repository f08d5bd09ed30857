package org.quipu.replication;

import java.util.List;

/**
 * The answer to a {@link Fetch}: up to its limit of entries after its seq, in order (none when
 * refused or when the log ends there).
 *
 * @param granted false when the member had promised an epoch above the fetch's
 * @param promisedEpoch the member's promised epoch
 */
public record Fetched(String nodeId, boolean granted, long promisedEpoch, List<LogEntry> entries) {

  public Fetched {
    entries = List.copyOf(entries);
  }
}
