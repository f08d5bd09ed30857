package org.quipu.core.command;

import org.quipu.core.state.QueueAttributes;

/** Creates a queue owned by {@code owner}; re-creating it with identical attributes is a no-op. */
public record CreateQueue(String name, String owner, QueueAttributes attributes)
    implements Command {}
