package org.quipu.browser.pages;

import org.quipu.browser.Browser;

/** The page the console shows instead of one it refuses or does not have. */
public final class ErrorPage extends ConsolePage {

  public ErrorPage(Browser browser) {
    super(browser);
  }

  /** Opens an address below {@code /console/} that the console answers with this page. */
  public static ErrorPage open(Browser browser, String consolePath) {
    browser.open(consolePath);
    return new ErrorPage(browser);
  }

  public String heading() {
    return browser.text("h1");
  }

  /** The sentence that says what went wrong. */
  public String problem() {
    return browser.text("#problem");
  }
}
