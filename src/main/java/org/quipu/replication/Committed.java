package org.quipu.replication;

import org.quipu.core.state.Outcome;

/** A command that is durable in the log and applied, with what applying it produced. */
public record Committed(long seq, Outcome outcome) {}
