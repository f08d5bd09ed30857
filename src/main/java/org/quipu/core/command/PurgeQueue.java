package org.quipu.core.command;

/** Drops every ready and delayed message; in-flight ones stay with their consumers. */
public record PurgeQueue(String queue, String actor) implements Command {}
