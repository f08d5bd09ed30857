package org.quipu.core.command;

/**
 * The first entry a new leader appends in its epoch. It changes no state; once a majority holds it,
 * every entry before it is committed too (an entry of an older epoch is committed only through one
 * of the current epoch), and only then does the leader serve.
 */
public record StartEpoch() implements Command {}
