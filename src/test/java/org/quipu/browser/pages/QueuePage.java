package org.quipu.browser.pages;

import static java.net.URLEncoder.encode;
import static java.nio.charset.StandardCharsets.UTF_8;

import org.openqa.selenium.JavascriptExecutor;
import org.quipu.browser.Browser;

/** One queue: its counters and attributes, the send form, the searchable messages, redrives. */
public final class QueuePage extends ConsolePage {

  public QueuePage(Browser browser) {
    super(browser);
  }

  public static QueuePage open(Browser browser, String queue) {
    browser.open(path(queue));
    return new QueuePage(browser);
  }

  /** Opens a queue's search without a session, which sends the browser to the login. */
  public static LoginPage openWithoutASession(Browser browser, String queue, String search) {
    browser.open(path(queue) + "?search=" + encode(search, UTF_8));
    return new LoginPage(browser);
  }

  static String path(String queue) {
    return "queues/" + encode(queue, UTF_8);
  }

  /** The queue's name as the heading shows it. */
  public String title() {
    return browser.text("#queue-title");
  }

  /** The text of the attributes card (owner, access, timeouts, dead-letter queue). */
  public String attributes() {
    return browser.text("#attributes");
  }

  /** The ready counter. */
  public String ready() {
    return browser.text("#ready");
  }

  /** Sends a test message with headers given as {@code name: value} lines. */
  public QueuePage send(String body, String headers) {
    browser.type("#send-body", body).type("#send-headers", headers).submit("#send-button");
    return new QueuePage(browser);
  }

  /** Sends a test message with whatever the headers field holds. */
  public QueuePage send(String body) {
    browser.type("#send-body", body).submit("#send-button");
    return new QueuePage(browser);
  }

  /** Pastes the headers field in one go (typing a long text key by key is slow). */
  public QueuePage pasteHeaders(String headers) {
    ((JavascriptExecutor) browser.driver()).executeScript(
        "document.getElementById('send-headers').value = arguments[0];", headers);
    return this;
  }

  /** What the send form's fields hold (after a refused send, what was typed). */
  public String typedBody() {
    return browser.find("#send-body").getAttribute("value");
  }

  public String typedHeaders() {
    return browser.find("#send-headers").getAttribute("value");
  }

  /** Whether an element is within the window as it is scrolled now. */
  public boolean inView(String id) {
    return (Boolean) ((JavascriptExecutor) browser.driver()).executeScript(
        "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
        + "return r.top >= 0 && r.top < window.innerHeight;", id);
  }

  /** How far the window is scrolled down, in pixels. */
  public long scrolled() {
    return ((Number) ((JavascriptExecutor) browser.driver()).executeScript("return window.scrollY;")).longValue();
  }

  /** The previews of the messages shown on this page of the browse. */
  public java.util.List<String> messagePreviews() {
    return browser.texts("#messages tbody td.preview a");
  }

  /** Follows the messages' pager to the next page. */
  public QueuePage nextMessages() {
    browser.submit("#next-page");
    return new QueuePage(browser);
  }

  /** Waits for the rate chart and returns its summary ("Now: 0 published, …"). */
  public String ratesNow() {
    browser.waitFor(".chart canvas");
    new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), java.time.Duration.ofSeconds(15))
        .until(d -> browser.text("[data-rates-now]").startsWith("Now:"));
    return browser.text("[data-rates-now]");
  }

  /** The chart's data as the page fetches it: {@code {"t":[…],"in":[…],"out":[…],"acked":[…]}}. */
  public String ratesJson() {
    return (String) ((JavascriptExecutor) browser.driver()).executeAsyncScript(
        "var done = arguments[arguments.length - 1];"
        + "fetch(document.querySelector('[data-rates-url]').getAttribute('data-rates-url'),"
        + " {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(done);");
  }

  public boolean canSend() {
    return browser.present("#send-form");
  }

  /** Searches the messages by id, header or body text. */
  public QueuePage search(String text) {
    browser.type("#search", text).submit("#search-button");
    return new QueuePage(browser);
  }

  /** What the search field holds. */
  public String searchText() {
    return browser.find("#search").getAttribute("value");
  }

  /** The count above the messages, e.g. "1 matching". */
  public String messageCount() {
    return browser.text("#message-count");
  }

  /** Whether the messages table is shown (it is not when no message matches). */
  public boolean showsMessages() {
    return browser.present("#messages");
  }

  /** The text of the messages table: previews, headers, markers. */
  public String messages() {
    return browser.text("#messages");
  }

  public MessagePage openFirstMessage() {
    browser.submit("#messages tbody a");
    return new MessagePage(browser);
  }

  /** The text of the dead-lettered messages proposed for a move back. */
  public String redriveProposals() {
    return browser.text("#redrive");
  }

  /** Moves the first proposal's messages back to the queue they came from. */
  public QueuePage redrive() {
    browser.submit("#redrive .redrive-button");
    return new QueuePage(browser);
  }

  public boolean canPurge() {
    return browser.present("#purge-queue");
  }

  public boolean canDelete() {
    return browser.present("#delete-queue");
  }

  public ConfirmPage<QueuePage> purge() {
    browser.submit("#purge-queue");
    return new ConfirmPage<>(browser, QueuePage::new);
  }

  public ConfirmPage<QueuesPage> delete() {
    browser.submit("#delete-queue");
    return new ConfirmPage<>(browser, QueuesPage::new);
  }

  /** Asks to delete, where the delete will be refused: the queue's page shows why. */
  public ConfirmPage<QueuePage> deleteRefusedLater() {
    browser.submit("#delete-queue");
    return new ConfirmPage<>(browser, QueuePage::new);
  }

  public QueueFormPage edit() {
    browser.submit("#edit-queue");
    return new QueueFormPage(browser);
  }
}
