package org.quipu.replication;

/**
 * The leader's sign of life to a member while an {@link Append} to it is still running (a large
 * batch can take a member longer than the contact timeout to make durable, and until it answers,
 * no reply tells the leader the member is in touch). The member answers at once with {@link
 * Contacted}, without waiting for its log.
 *
 * @param leaderId the leader sending it
 * @param epoch the epoch it leads
 * @param leaseMillis a read lease for the member from when it receives this, 0 for none; taken
 *     only if {@code epoch} is the one the member has promised (a contact never raises it)
 */
public record Contact(int group, String leaderId, long epoch, long leaseMillis) {}
