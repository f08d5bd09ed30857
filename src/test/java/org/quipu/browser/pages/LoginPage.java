package org.quipu.browser.pages;

import org.quipu.browser.Browser;

/** The login form, where every page without a session sends the browser. */
public final class LoginPage extends ConsolePage {

  public LoginPage(Browser browser) {
    super(browser);
  }

  public static LoginPage open(Browser browser) {
    browser.open("login");
    return new LoginPage(browser);
  }

  /**
   * Forgets every cookie of the console's site, then opens the login form afresh (a form loaded
   * before would carry the forgotten cookie's CSRF token).
   */
  public static LoginPage openForgettingTheSession(Browser browser) {
    open(browser);
    browser.driver().manage().deleteAllCookies();
    return open(browser);
  }

  /** Logs in and lands on the overview. */
  public OverviewPage logIn(String username, String password) {
    submit(username, password);
    return new OverviewPage(browser);
  }

  /** Logs in with a wrong password and stays on the form, which shows an error. */
  public LoginPage logInRefused(String username, String password) {
    submit(username, password);
    return this;
  }

  /** Logs in after a queue page sent the browser here; the console returns to that queue. */
  public QueuePage logInBackToQueue(String username, String password) {
    submit(username, password);
    return new QueuePage(browser);
  }

  /** What the password field holds. */
  public String typedPassword() {
    return browser.find("#password").getAttribute("value");
  }

  private void submit(String username, String password) {
    browser.type("#username", username).type("#password", password).submit("#login-form button");
  }
}
