package org.quipu.core.command;

/** Keeps a lease for {@code visibilityMillis} from now (a slow consumer's heartbeat). */
public record ExtendLease(String queue, String actor, String receipt, long visibilityMillis)
    implements Command {}
