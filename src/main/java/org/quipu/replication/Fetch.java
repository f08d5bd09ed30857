package org.quipu.replication;

/**
 * A new leader asking the member with the most advanced log for the entries after {@code
 * afterSeq} (step 3 of becoming leader); answered only for an epoch at least the member's promise.
 */
public record Fetch(int group, String leaderId, long epoch, long afterSeq, int limit) {}
