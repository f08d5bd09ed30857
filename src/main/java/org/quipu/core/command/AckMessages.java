package org.quipu.core.command;

import java.util.List;

/** Deletes received messages by their receipts; stale receipts are counted, not applied. */
public record AckMessages(String queue, String actor, List<String> receipts) implements Command {
  public AckMessages {
    receipts = List.copyOf(receipts);
  }
}
