package org.quipu.core.state;

/** What a user owns: queues (not counting subscriptions' own), topics and subscriptions. */
public record Holdings(long queues, long topics, long subscriptions) {

  public long total() {
    return queues + topics + subscriptions;
  }
}
