package org.quipu.browser.pages;

import org.quipu.browser.Browser;

/** The overview: cluster nodes, totals and the rate chart, all refreshing by themselves. */
public final class OverviewPage extends ConsolePage {

  public OverviewPage(Browser browser) {
    super(browser);
  }

  public static OverviewPage open(Browser browser) {
    browser.open("");
    return new OverviewPage(browser);
  }

  /** Opens the overview without a session, which sends the browser to the login. */
  public static LoginPage openWithoutASession(Browser browser) {
    browser.open("");
    return new LoginPage(browser);
  }

  /** The text of the cluster's node table. */
  public String nodes() {
    return browser.text("#nodes");
  }

  /** The total of ready messages, as the page shows it now. */
  public String readyTotal() {
    return browser.text("#totals div:nth-child(3) dd");
  }

  /** The totals' cards as shown: each name and number. */
  public String totals() {
    return browser.text("#totals");
  }

  /** The sentence that says what the totals count. */
  public String totalsNote() {
    return browser.text("#totals-note");
  }

  /** Messages waiting in subscriptions' own queues, counted apart from the queues' totals. */
  public String subscriptionBacklog() {
    return browser.text("#subscription-backlog");
  }

  /** The line under the chart with the latest rates. */
  public String ratesNow() {
    return browser.text("[data-rates-now]");
  }

  /** Waits until the rate chart is drawn. */
  public OverviewPage waitForRatesChart() {
    browser.waitFor("#rates-chart canvas");
    return this;
  }
}
