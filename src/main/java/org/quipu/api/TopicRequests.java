package org.quipu.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Request bodies of the topic endpoints. */
public final class TopicRequests {
  private TopicRequests() {}

  /** {@code PUT /topics/{t}/subscriptions/{s}}. */
  public record Subscribe(
      @Size(max = 1024, message = "must be at most 1024 characters") String bindingKey,
      @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String queue) {}

  /** {@code POST /topics/{t}/messages}. */
  public record Publish(
      @NotNull(message = QueueRequests.REQUIRED) String body,
      @Size(max = 1024, message = "must be at most 1024 characters") String routingKey,
      @Size(max = 64, message = "must hold at most 64 headers")
      Map<@Size(min = 1, max = 256, message = "must be 1 to 256 characters") String,
          @Size(max = 4096, message = "must be at most 4096 characters") String> headers) {}
}
