package org.quipu.core.command;

import java.util.List;
import java.util.Map;

/** Appends messages to a queue atomically: either all of them are stored or none is. */
public record SendMessages(String queue, String sender, List<NewMessage> messages)
    implements Command {

  public SendMessages {
    messages = List.copyOf(messages);
  }

  /** One message to send; {@code id} is chosen by the leader. */
  public record NewMessage(String id, String body, Map<String, String> headers, long delayMillis) {
    public NewMessage {
      headers = Map.copyOf(headers);
    }
  }
}
