package org.quipu.browser.pages;

import static java.net.URLEncoder.encode;
import static java.nio.charset.StandardCharsets.UTF_8;

import org.quipu.browser.Browser;

/** The list of topics, and the form that creates one. */
public final class TopicsPage extends ConsolePage {

  public TopicsPage(Browser browser) {
    super(browser);
  }

  public static TopicsPage open(Browser browser) {
    browser.open("topics");
    return new TopicsPage(browser);
  }

  /** Opens the topics whose name or owner contains {@code filter}. */
  public static TopicsPage open(Browser browser, String filter) {
    browser.open("topics?filter=" + encode(filter, UTF_8));
    return new TopicsPage(browser);
  }

  /** Creates a topic and opens it. */
  public TopicPage create(String name) {
    browser.type("#topic-name", name).submit("#create-topic");
    return new TopicPage(browser);
  }

  /** The text of the topics table. */
  public String topics() {
    return browser.text("#topics");
  }
}
