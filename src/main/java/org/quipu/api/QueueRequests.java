package org.quipu.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.quipu.core.state.QueueAttributes;

/** Request bodies of the queue and message endpoints, with the limits of API.md. */
public final class QueueRequests {
  private QueueRequests() {}

  // Messages in the API's words: the range as API.md states it, never a Java type's bounds.
  static final String REQUIRED = "is required";
  static final String VISIBILITY = "must be between 0 and 43200";
  static final String RECEIVES = "must be between 1 and 1000";
  static final String RETENTION = "must be between 60 and 1209600";
  static final String DELAY = "must be between 0 and 900";

  /** {@code PUT /queues/{q}}; every field is optional. */
  public record Create(
      @Min(value = 0, message = VISIBILITY) @Max(value = 43200, message = VISIBILITY)
      Long visibilityTimeoutSeconds,
      @Min(value = 1, message = RECEIVES) @Max(value = 1000, message = RECEIVES)
      Integer maxReceiveCount,
      @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String deadLetterQueue,
      @Min(value = 60, message = RETENTION) @Max(value = 1209600, message = RETENTION)
      Long retentionSeconds,
      @Min(value = 1, message = "must be at least 1") Integer maxLength,
      Boolean shared) {

    /** The attributes of the new queue: defaults for what is not given. */
    public QueueAttributes toAttributes() {
      return new QueueAttributes(
          visibilityTimeoutSeconds == null
              ? QueueAttributes.DEFAULT_VISIBILITY_MILLIS
              : visibilityTimeoutSeconds * 1000,
          maxReceiveCount,
          deadLetterQueue,
          retentionSeconds == null
              ? QueueAttributes.DEFAULT_RETENTION_MILLIS
              : retentionSeconds * 1000,
          maxLength,
          shared == null || shared);
    }
  }

  /** One message of a send or a batch. */
  public record Send(
      @NotNull(message = REQUIRED) String body,
      @Size(max = 64, message = "must hold at most 64 headers")
      Map<@Size(min = 1, max = 256, message = "must be 1 to 256 characters") String,
          @Size(max = 4096, message = "must be at most 4096 characters") String> headers,
      @Min(value = 0, message = DELAY) @Max(value = 900, message = DELAY) Integer delaySeconds) {}

  /** {@code POST .../messages:batch}. */
  public record Batch(
      @NotNull(message = REQUIRED) @Size(min = 1, message = "must hold at least one message")
      List<@Valid Send> messages) {}

  /** {@code POST .../messages:receive}; every field is optional. */
  public record Receive(
      @Min(value = 1, message = "must be between 1 and 100")
      @Max(value = 100, message = "must be between 1 and 100") Integer max,
      @Min(value = 0, message = "must be between 0 and 20")
      @Max(value = 20, message = "must be between 0 and 20") Integer waitSeconds,
      @Min(value = 0, message = VISIBILITY) @Max(value = 43200, message = VISIBILITY)
      Integer visibilityTimeoutSeconds) {
  }

  /** {@code POST .../messages:ack}. */
  public record Ack(
      @NotNull(message = REQUIRED) @Size(min = 1, max = 100, message = "must hold 1 to 100 receipts")
      List<String> receipts) {}

  /** {@code POST .../messages/{receipt}:release}. */
  public record Release(
      @Min(value = 0, message = DELAY) @Max(value = 900, message = DELAY) Integer delaySeconds) {}

  /** {@code POST .../messages/{receipt}:extend}. */
  public record Extend(
      @NotNull(message = REQUIRED) @Min(value = 0, message = VISIBILITY)
      @Max(value = 43200, message = VISIBILITY) Integer visibilityTimeoutSeconds) {}

  /** {@code POST .../messages:redrive}. */
  public record Redrive(
      @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String toQueue,
      @Min(value = 1, message = "must be between 1 and 100000")
      @Max(value = 100000, message = "must be between 1 and 100000") Integer max) {}

  /** {@code PATCH /queues/{q}}: only the fields present change. */
  public record Update(
      @Min(value = 0, message = VISIBILITY) @Max(value = 43200, message = VISIBILITY)
      Long visibilityTimeoutSeconds,
      @Min(value = 1, message = RECEIVES) @Max(value = 1000, message = RECEIVES)
      Integer maxReceiveCount,
      @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String deadLetterQueue,
      @Min(value = 60, message = RETENTION) @Max(value = 1209600, message = RETENTION)
      Long retentionSeconds,
      @Min(value = 1, message = "must be at least 1") Integer maxLength,
      Boolean shared) {}
}
