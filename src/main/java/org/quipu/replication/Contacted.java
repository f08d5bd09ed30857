package org.quipu.replication;

/**
 * A member's answer to a {@link Contact}.
 *
 * @param promisedEpoch the epoch it has promised, read without waiting for an append that may be
 *     raising it: the leader counts the member as in touch only when this is its own epoch
 */
public record Contacted(String nodeId, long promisedEpoch) {}
