package org.quipu.replication;

import org.quipu.core.command.Command;

/** One command at one position of the log, with the epoch and time the leader stamped on it. */
public record LogEntry(long seq, long epoch, long timestampMillis, Command command) {}
