package org.quipu.core.command;

/** Deletes a user and closes their sessions (admin only); their queues keep their owner name. */
public record DeleteUser(String username, String actor) implements Command {}
