package org.quipu.console;

import jakarta.ws.rs.FormParam;
import java.util.HashMap;
import java.util.Map;
import org.quipu.api.QueueRequests;

/**
 * The create and edit queue form as posted ({@code @BeanParam}): the raw values to show again,
 * and the API's request type they make, with a message per malformed field.
 */
public class QueueForm {

  @FormParam("name") String name;
  @FormParam("visibilityTimeoutSeconds") String visibility;
  @FormParam("maxReceiveCount") String maxReceiveCount;
  @FormParam("deadLetterQueue") String deadLetterQueue;
  @FormParam("retentionSeconds") String retention;
  @FormParam("maxLength") String maxLength;
  @FormParam("shared") String shared;

  /** The values as typed, for the form when it is shown again. */
  Map<String, String> values(String queueName) {
    Map<String, String> values = new HashMap<>();
    values.put("name", queueName);
    values.put("visibilityTimeoutSeconds", visibility);
    values.put("maxReceiveCount", maxReceiveCount);
    values.put("deadLetterQueue", deadLetterQueue);
    values.put("retentionSeconds", retention);
    values.put("maxLength", maxLength);
    values.put("shared", shared == null ? "" : "on");
    return values;
  }

  /**
   * The attributes as the API's create request. Every attribute is on the form, so an empty field
   * means the default (or unset): on an edit that unsets it.
   */
  QueueRequests.Create request(FieldErrors errors) {
    return new QueueRequests.Create(
        Forms.optionalLong("visibilityTimeoutSeconds", visibility, errors),
        Forms.optionalInt("maxReceiveCount", maxReceiveCount, errors),
        Forms.optional(deadLetterQueue),
        Forms.optionalLong("retentionSeconds", retention, errors),
        Forms.optionalInt("maxLength", maxLength, errors),
        shared != null);
  }

  String name() {
    return name == null ? "" : name.strip();
  }
}
