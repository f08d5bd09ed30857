package org.quipu.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CommandLog} in memory. {@link #failNextAppends} simulates a dead database; {@link
 * #loseNextAnswers} one that stores an append but whose answer never arrives; {@link
 * #appendMillis} a slow one.
 */
final class InMemoryCommandLog implements CommandLog {

  final List<LogEntry> entries = new ArrayList<>();
  private LogPosition base = LogPosition.START;
  int failNextAppends;
  int loseNextAnswers;
  int failNextReads;
  /** How long each append takes (a slow disk, or a large batch): 0 by default. */
  volatile long appendMillis;
  /** How many times {@link #epochAt} was asked (each a query on the real log). */
  int epochReads;
  /** How many times {@link #entriesAfter} was asked (each a query on the real log). */
  int rangeReads;

  @Override
  public synchronized void append(List<LogEntry> batch) throws StoreUnavailableException {
    if (appendMillis > 0) {
      try {
        Thread.sleep(appendMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while appending", e);
      }
    }
    if (failNextAppends > 0) {
      failNextAppends--;
      throw new StoreUnavailableException("simulated outage", null);
    }
    long expected = (entries.isEmpty() ? base.seq() : entries.get(entries.size() - 1).seq()) + 1;
    if (batch.get(0).seq() != expected) {
      throw new IllegalStateException("gap or overlap: appending " + batch.get(0).seq()
          + " after " + (expected - 1));
    }
    entries.addAll(batch);
    if (loseNextAnswers > 0) {
      loseNextAnswers--;
      throw new StoreUnavailableException("simulated lost answer", null);
    }
  }

  @Override
  public synchronized List<LogEntry> entriesAfter(long afterSeq, int limit)
      throws StoreUnavailableException {
    failIfAsked();
    rangeReads++;
    return new ArrayList<>(entries.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList());
  }

  @Override
  public synchronized long lastSeq() throws StoreUnavailableException {
    failIfAsked();
    return entries.isEmpty() ? base.seq() : entries.get(entries.size() - 1).seq();
  }

  @Override
  public synchronized LogPosition base() throws StoreUnavailableException {
    failIfAsked();
    return base;
  }

  @Override
  public synchronized void compactTo(LogPosition at) throws StoreUnavailableException {
    failIfAsked();
    if (epochAt(at.seq()) != at.epoch()) {
      throw new IllegalStateException("compacting to " + at + ", which this log does not hold");
    }
    entries.removeIf(e -> e.seq() <= at.seq());
    base = at;
  }

  @Override
  public synchronized void restartAt(LogPosition at) throws StoreUnavailableException {
    failIfAsked();
    entries.clear();
    base = at;
  }

  @Override
  public synchronized long epochAt(long seq) throws StoreUnavailableException {
    failIfAsked();
    epochReads++;
    if (seq == base.seq()) {
      return base.epoch();
    }
    return entries.stream().filter(e -> e.seq() == seq).mapToLong(LogEntry::epoch).findFirst()
        .orElse(-1);
  }

  @Override
  public synchronized void truncateAfter(long seq) throws StoreUnavailableException {
    failIfAsked();
    entries.removeIf(e -> e.seq() > seq);
  }

  private void failIfAsked() throws StoreUnavailableException {
    if (failNextReads > 0) {
      failNextReads--;
      throw new StoreUnavailableException("simulated outage", null);
    }
  }
}
