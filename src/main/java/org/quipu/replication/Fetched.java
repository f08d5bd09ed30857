package org.quipu.replication;

import java.util.List;

/**
 * The answer to a {@link Fetch}: up to its limit of entries after its seq, in order (none when
 * refused, when the log ends there, or when they were compacted away).
 *
 * @param granted false when the member had promised an epoch above the fetch's
 * @param promisedEpoch the member's promised epoch
 * @param compactedThrough the last seq the member's log no longer holds: a fetch after a seq below
 *     it gets no entries, and the fetcher cannot adopt this log
 */
public record Fetched(String nodeId, boolean granted, long promisedEpoch, List<LogEntry> entries,
    long compactedThrough) {

  public Fetched {
    entries = List.copyOf(entries);
  }

  /** True when the entries asked for after {@code afterSeq} are gone from the member's log. */
  public boolean compactedAfter(long afterSeq) {
    return afterSeq < compactedThrough;
  }
}
