package org.quipu.browser.pages;

import static java.net.URLEncoder.encode;
import static java.nio.charset.StandardCharsets.UTF_8;

import org.quipu.browser.Browser;

/** One topic: its subscriptions, the subscribe and publish forms, and its delete link. */
public final class TopicPage extends ConsolePage {

  public TopicPage(Browser browser) {
    super(browser);
  }

  public static TopicPage open(Browser browser, String topic) {
    browser.open("topics/" + encode(topic, UTF_8));
    return new TopicPage(browser);
  }

  /** Subscribes a subscription of its own queue with an AMQP binding key. */
  public TopicPage subscribe(String subscription, String bindingKey) {
    browser.type("#subscription-name", subscription).type("#binding-key", bindingKey).submit("#subscribe");
    return new TopicPage(browser);
  }

  /** Publishes a test message with a routing key and a body. */
  public TopicPage publish(String routingKey, String body) {
    browser.type("#routing-key", routingKey).type("#publish-body", body).submit("#publish-button");
    return new TopicPage(browser);
  }

  /** Publishes a test message with headers typed one per line. */
  public TopicPage publishWithHeaders(String routingKey, String body, String headers) {
    browser.type("#routing-key", routingKey).type("#publish-body", body).type("#publish-headers", headers)
        .submit("#publish-button");
    return new TopicPage(browser);
  }

  /** Publishes a test message with an empty body. */
  public TopicPage publish(String routingKey) {
    browser.type("#routing-key", routingKey).submit("#publish-button");
    return new TopicPage(browser);
  }

  /** The ready counter of a subscription's queue. */
  public String readyOf(String subscription) {
    return browser.text(row(subscription) + " td:nth-child(5)");
  }

  /** Asks to unsubscribe: a page says which pending messages are dropped first. */
  public ConfirmPage<TopicPage> unsubscribe(String subscription) {
    browser.submit(row(subscription) + " .unsubscribe");
    return new ConfirmPage<>(browser, TopicPage::new);
  }

  /** Subscribes into a named queue, which the server may refuse; the form comes back. */
  public TopicPage subscribeInto(String subscription, String bindingKey, String queue) {
    browser.type("#subscription-name", subscription).type("#binding-key", bindingKey)
        .type("#subscription-queue", queue).submit("#subscribe");
    return new TopicPage(browser);
  }

  /** What a field of the page's forms holds, by its id. */
  public String typed(String id) {
    return browser.find("#" + id).getAttribute("value");
  }

  /** Whether the subscriptions table fits the window (it scrolls inside its frame otherwise). */
  public boolean subscriptionsFit() {
    Number overflow = (Number) ((org.openqa.selenium.JavascriptExecutor) browser.driver())
        .executeScript("var w = document.querySelector('.table-wrap'); return w.scrollWidth - w.clientWidth;");
    return overflow.intValue() <= 0;
  }

  /** Opens the queue a subscription delivers into. */
  public QueuePage openQueueOf(String subscription) {
    browser.click(row(subscription) + " td:nth-child(4) a");
    browser.waitFor("#queue-title");
    return new QueuePage(browser);
  }

  public ConfirmPage<TopicsPage> delete() {
    browser.submit("#delete-topic");
    return new ConfirmPage<>(browser, TopicsPage::new);
  }

  private static String row(String subscription) {
    return "#subscriptions tr[data-subscription=" + subscription + "]";
  }
}
