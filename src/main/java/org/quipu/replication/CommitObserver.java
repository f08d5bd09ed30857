package org.quipu.replication;

import java.util.List;
import org.quipu.core.state.Outcome;

/** Told about every committed batch after its callers were answered (metrics, notifications). */
@FunctionalInterface
public interface CommitObserver {

  /**
   * @param entries the batch's log entries, in order
   * @param outcomes what each entry's command produced, index by index
   * @param appendNanos how long the store transaction took
   */
  void committed(List<LogEntry> entries, List<Outcome> outcomes, long appendNanos);
}
