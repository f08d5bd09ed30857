package org.quipu.replication;

import java.util.List;
import java.util.Map;
import org.quipu.core.command.Command;
import org.quipu.core.command.Idempotent;
import org.quipu.core.command.Publish;
import org.quipu.core.command.SendMessages;

/**
 * Roughly how many bytes a log entry takes on the wire, without encoding it: message bodies and
 * headers (what makes an entry large) plus a fixed allowance for everything else. Enough to keep
 * one {@link Append} well under the transport's message limit.
 */
final class EntrySizes {

  /** Ids, names, numbers and framing of one entry or one message, generously. */
  private static final int OVERHEAD = 256;

  private EntrySizes() {}

  static long approximate(LogEntry entry) {
    return approximate(entry.command());
  }

  private static long approximate(Command command) {
    if (command instanceof SendMessages send) {
      long bytes = OVERHEAD;
      for (SendMessages.NewMessage m : send.messages()) {
        bytes += OVERHEAD + utf8Bound(m.body()) + headers(m.headers());
      }
      return bytes;
    }
    if (command instanceof Publish publish) {
      return OVERHEAD + utf8Bound(publish.body()) + headers(publish.headers());
    }
    if (command instanceof Idempotent keyed) {
      return OVERHEAD + approximate(keyed.command());
    }
    return OVERHEAD;
  }

  /**
   * The longest prefix of {@code entries} within {@code budget} bytes — at least the first entry,
   * however large, so that replication always moves on.
   */
  static List<LogEntry> within(List<LogEntry> entries, long budget) {
    long total = 0;
    for (int i = 0; i < entries.size(); i++) {
      total += approximate(entries.get(i));
      if (total > budget && i > 0) {
        return entries.subList(0, i);
      }
    }
    return entries;
  }

  private static long headers(Map<String, String> headers) {
    long bytes = 0;
    for (var e : headers.entrySet()) {
      bytes += 8 + utf8Bound(e.getKey()) + utf8Bound(e.getValue());
    }
    return bytes;
  }

  /** At most three bytes per UTF-16 unit in UTF-8. */
  private static long utf8Bound(String s) {
    return s == null ? 0 : 3L * s.length();
  }
}
