/**
 * The closed set of commands: every change of replicated state is one of these records. A command
 * is fully determined when it reaches the log (ids, hashes, nonces are fixed by the leader), so
 * applying it gives the same result on every node.
 */
package org.quipu.core.command;
