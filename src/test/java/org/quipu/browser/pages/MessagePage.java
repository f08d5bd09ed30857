package org.quipu.browser.pages;

import org.quipu.browser.Browser;

/** One message: its state, body (JSON pretty-printed), headers and history. */
public final class MessagePage extends ConsolePage {

  public MessagePage(Browser browser) {
    super(browser);
  }

  public static MessagePage open(Browser browser, String queue, String id) {
    browser.open(QueuePage.path(queue) + "/messages/" + id);
    return new MessagePage(browser);
  }

  public String body() {
    return browser.text("#message-body");
  }

  /** The text of the headers table. */
  public String headers() {
    return browser.text("#headers");
  }

  /** The message's history: sent, delivered, dead-lettered, moved back. */
  public String history() {
    return browser.text("#history");
  }

  public String receiveCount() {
    return browser.text("#receive-count");
  }
}
