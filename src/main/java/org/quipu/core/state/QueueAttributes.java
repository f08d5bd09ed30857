package org.quipu.core.state;

/**
 * The settable attributes of a queue. {@code maxReceiveCount}, {@code deadLetterQueue} and {@code
 * maxLength} are null when unset.
 */
public record QueueAttributes(
    long visibilityTimeoutMillis,
    Integer maxReceiveCount,
    String deadLetterQueue,
    long retentionMillis,
    Integer maxLength,
    boolean shared) {

  public static final long DEFAULT_VISIBILITY_MILLIS = 30_000;
  public static final long DEFAULT_RETENTION_MILLIS = 345_600_000;
}
