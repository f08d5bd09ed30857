package org.quipu.core.command;

import org.quipu.core.state.QueueAttributes;

/** Replaces a queue's attributes (owner or admin). */
public record UpdateQueue(String name, String actor, QueueAttributes attributes)
    implements Command {}
