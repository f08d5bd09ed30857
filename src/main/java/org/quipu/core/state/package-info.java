/**
 * The replicated state and the state machine that applies commands to it. {@link Broker} is the
 * entry point; every mutation it makes is also reported as a {@link Change} so that the store can
 * persist exactly what changed in the same transaction as the log entries.
 */
package org.quipu.core.state;
