package org.quipu.core.command;

/** Deletes a queue; refused while messages are pending unless {@code force}. */
public record DeleteQueue(String name, String actor, boolean force) implements Command {}
