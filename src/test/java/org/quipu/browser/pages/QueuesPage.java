package org.quipu.browser.pages;

import static java.net.URLEncoder.encode;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import org.quipu.browser.Browser;

/** The list of queues, filtered and sorted on the server. */
public final class QueuesPage extends ConsolePage {

  public QueuesPage(Browser browser) {
    super(browser);
  }

  /** Opens the queues whose name or owner contains {@code filter}. */
  public static QueuesPage open(Browser browser, String filter) {
    browser.open("queues?filter=" + encode(filter, UTF_8));
    return new QueuesPage(browser);
  }

  /** Opens the filtered list sorted by a column ({@code name}, {@code ready}, …), {@code asc} or {@code desc}. */
  public static QueuesPage open(Browser browser, String filter, String sort, String direction) {
    browser.open("queues?filter=" + encode(filter, UTF_8) + "&sort=" + sort + "&dir=" + direction);
    return new QueuesPage(browser);
  }

  /** The queues' names, in the order shown. */
  public List<String> names() {
    return browser.texts("#queues tbody td:first-child a");
  }

  /** The count above the list, e.g. "2 of 40 queues". */
  public String count() {
    return browser.text("#queue-count");
  }

  /** Whether the list has a next page. */
  public boolean hasNextPage() {
    return browser.present("#next-page");
  }

  /** Follows the pager's "Next" link. */
  public QueuesPage nextPage() {
    browser.submit("#next-page");
    return this;
  }

  /** Follows a column's heading link (e.g. "Ready") to sort by it. */
  public QueuesPage sortBy(String heading) {
    browser.submit("#queues thead th:nth-child(" + (columnIndex(heading) + 1) + ") a");
    return this;
  }

  /** Puts the keyboard focus on a column's sort link, as tabbing to it would. */
  public void focusSortLink(String heading) {
    ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("arguments[0].focus();",
        browser.find("#queues thead th:nth-child(" + (columnIndex(heading) + 1) + ") a"));
  }

  /** The text of the element that has the keyboard focus. */
  public String focusedText() {
    return browser.driver().switchTo().activeElement().getText().replaceAll("[▴▾]", "").strip();
  }

  private int columnIndex(String heading) {
    return browser.texts("#queues thead th").stream().map(t -> t.replaceAll("[▴▾]", "").strip())
        .toList().indexOf(heading);
  }

  public QueueFormPage newQueue() {
    browser.submit("#new-queue");
    return new QueueFormPage(browser);
  }
}
