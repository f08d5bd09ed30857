package org.quipu.core.state;

/** A queue with its message counters at the moment it was read. */
public record QueueView(QueueDefinition definition, QueueCounters counters) {}
