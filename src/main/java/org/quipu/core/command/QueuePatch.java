package org.quipu.core.command;

import org.quipu.core.state.QueueAttributes;

/**
 * The attributes a change of a queue names, merged into the queue's attributes of the moment when
 * the command is applied — not by whoever built the command — so that two concurrent changes of
 * different attributes both take effect, on every replica alike.
 *
 * <p>A null field keeps the current value. {@code clearDeadLetter} unsets the dead-letter queue and
 * {@code maxReceiveCount} (they go together); {@code clearMaxLength} removes the length limit.
 */
public record QueuePatch(
    Long visibilityTimeoutMillis,
    Integer maxReceiveCount,
    String deadLetterQueue,
    Long retentionMillis,
    Integer maxLength,
    Boolean shared,
    boolean clearDeadLetter,
    boolean clearMaxLength) {

  /** A patch that sets every attribute to {@code all}'s value (the console's edit form). */
  public static QueuePatch replacing(QueueAttributes all) {
    return new QueuePatch(all.visibilityTimeoutMillis(), all.maxReceiveCount(),
        all.deadLetterQueue(), all.retentionMillis(), all.maxLength(), all.shared(),
        all.deadLetterQueue() == null && all.maxReceiveCount() == null, all.maxLength() == null);
  }

  /** {@code current} with this patch applied. */
  public QueueAttributes applyTo(QueueAttributes current) {
    Integer receives = clearDeadLetter ? null : current.maxReceiveCount();
    String deadLetters = clearDeadLetter ? null : current.deadLetterQueue();
    return new QueueAttributes(
        visibilityTimeoutMillis != null ? visibilityTimeoutMillis : current.visibilityTimeoutMillis(),
        maxReceiveCount != null ? maxReceiveCount : receives,
        deadLetterQueue != null ? deadLetterQueue : deadLetters,
        retentionMillis != null ? retentionMillis : current.retentionMillis(),
        maxLength != null ? maxLength : clearMaxLength ? null : current.maxLength(),
        shared != null ? shared : current.shared());
  }
}
