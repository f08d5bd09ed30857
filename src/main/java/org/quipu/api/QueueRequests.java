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

  /** {@code PUT /queues/{q}}; every field is optional. */
  public record Create(
      @Min(0) @Max(43200) Long visibilityTimeoutSeconds,
      @Min(1) @Max(1000) Integer maxReceiveCount,
      @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String deadLetterQueue,
      @Min(60) @Max(1209600) Long retentionSeconds,
      @Min(1) Integer maxLength,
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
      @NotNull String body,
      @Size(max = 64, message = "must hold at most 64 headers")
      Map<@NotNull @Size(min = 1, max = 256) String, @NotNull @Size(max = 4096) String> headers,
      @Min(0) @Max(900) Integer delaySeconds) {}

  /** {@code POST .../messages:batch}. */
  public record Batch(@NotNull @Size(min = 1) List<@NotNull @Valid Send> messages) {}

  /** {@code POST .../messages:receive}; every field is optional. */
  public record Receive(
      @Min(1) @Max(100) Integer max,
      @Min(0) @Max(20) Integer waitSeconds,
      @Min(0) @Max(43200) Integer visibilityTimeoutSeconds) {
  }

  /** {@code POST .../messages:ack}. */
  public record Ack(@NotNull @Size(min = 1, max = 100) List<@NotNull String> receipts) {}

  /** {@code POST .../messages/{receipt}:release}. */
  public record Release(@Min(0) @Max(900) Integer delaySeconds) {}

  /** {@code POST .../messages/{receipt}:extend}. */
  public record Extend(@NotNull @Min(0) @Max(43200) Integer visibilityTimeoutSeconds) {}

  /** {@code POST .../messages:redrive}. */
  public record Redrive(
      @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String toQueue,
      @Min(1) @Max(100000) Integer max) {}

  /** {@code PATCH /queues/{q}}: only the fields present change. */
  public record Update(
      @Min(0) @Max(43200) Long visibilityTimeoutSeconds,
      @Min(1) @Max(1000) Integer maxReceiveCount,
      @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String deadLetterQueue,
      @Min(60) @Max(1209600) Long retentionSeconds,
      @Min(1) Integer maxLength,
      Boolean shared) {}
}
