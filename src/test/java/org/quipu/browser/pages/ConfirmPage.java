package org.quipu.browser.pages;

import java.util.function.Function;
import org.quipu.browser.Browser;

/** The page that says what a purge or a delete loses before it acts; {@code N} is the page after it. */
public final class ConfirmPage<N extends ConsolePage> extends ConsolePage {

  private final Function<Browser, N> next;

  public ConfirmPage(Browser browser, Function<Browser, N> next) {
    super(browser);
    this.next = next;
  }

  /** The sentence that says what is lost. */
  public String consequence() {
    return browser.text("#consequence");
  }

  /** Why the action is refused, when the page says so instead of offering it. */
  public String refusal() {
    return browser.text("#refusal");
  }

  /** Whether the page offers the action at all. */
  public boolean offersToConfirm() {
    return browser.present("#confirm");
  }

  /** Confirms, and opens the page the console shows after the action. */
  public N confirm() {
    browser.submit("#confirm");
    return next.apply(browser);
  }
}
