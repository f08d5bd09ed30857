package org.quipu.console;

import java.util.List;
import java.util.Map;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageContent;
import org.quipu.core.state.MessageEvent;

/** A message as a console page shows it: what the broker knows of it, and its content. */
public record ShownMessage(Message meta, MessageContent content) {

  public String id() {
    return meta.id();
  }

  public String body() {
    return content.body();
  }

  public Map<String, String> headers() {
    return content.headers();
  }

  public String sender() {
    return meta.sender();
  }

  public long sentAtMillis() {
    return meta.sentAtMillis();
  }

  public long visibleAtMillis() {
    return meta.visibleAtMillis();
  }

  public int receiveCount() {
    return meta.receiveCount();
  }

  public Long firstReceivedAtMillis() {
    return meta.firstReceivedAtMillis();
  }

  public String deadLetteredFrom() {
    return meta.deadLetteredFrom();
  }

  public List<MessageEvent> history() {
    return meta.history();
  }
}
