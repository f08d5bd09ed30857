package org.quipu.core.state;

import java.util.List;

/** The whole replicated state as rows, read from the store when a node starts or recovers. */
public record Snapshot(
    List<User> users,
    List<Session> sessions,
    List<QueueDefinition> queues,
    Iterable<Message> messages,
    List<TopicDefinition> topics,
    List<Subscription> subscriptions,
    List<IdempotencyRecord> idempotency) {}
