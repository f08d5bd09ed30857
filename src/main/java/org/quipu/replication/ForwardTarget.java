package org.quipu.replication;

import java.util.concurrent.CompletableFuture;
import org.quipu.core.command.Command;

/**
 * Where a node takes the writes that followers forward to it (the receiving side of {@link
 * Forwarding}): its own write path, {@link WritePath#submitLocally}, so that a forwarded command is
 * batched, stamped and committed exactly like one from this node's own clients.
 */
@FunctionalInterface
public interface ForwardTarget {

  /**
   * Queues {@code command}; the future completes once it is committed and applied, or fails with
   * {@link NotCommittedException} when this node cannot commit it (not the leader, recovering,
   * stopping). Called from the RPC server's threads, several at once: it must return at once and
   * never wait for the commit.
   */
  CompletableFuture<Committed> submit(Command command);
}
