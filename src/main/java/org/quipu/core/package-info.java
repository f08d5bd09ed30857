/**
 * The broker itself, in plain Java: users, sessions, queues and messages, the {@link
 * org.quipu.core.command.Command commands} that change them and the {@link
 * org.quipu.core.state.Broker state machine} that applies them. Nothing here imports Jakarta,
 * JPA, JDBC, Curator or gRPC: time comes from the log entry, ids from the leader.
 */
package org.quipu.core;
