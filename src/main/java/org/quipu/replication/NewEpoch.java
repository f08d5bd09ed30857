package org.quipu.replication;

/**
 * A new leader's first message to every member (step 2 of becoming leader): it has taken {@code
 * epoch} from the coordination service and asks for a {@link Promise} not to follow any lower one.
 */
public record NewEpoch(int group, String leaderId, long epoch) {}
