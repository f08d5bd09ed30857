package org.quipu.browser.pages;

import org.openqa.selenium.JavascriptExecutor;
import org.quipu.browser.Browser;

/** The admin's list of users, with their role, status and actions, and the form that creates one. */
public final class UsersPage extends ConsolePage {

  public UsersPage(Browser browser) {
    super(browser);
  }

  public static UsersPage open(Browser browser) {
    browser.open("users");
    return new UsersPage(browser);
  }

  /** Creates a user with the default role. */
  public UsersPage create(String username, String password) {
    browser.type("#new-username", username).type("#new-password", password).submit("#create-user");
    return new UsersPage(browser);
  }

  /** A user's role: {@code user} or {@code admin}. */
  public String roleOf(String username) {
    return browser.text(row(username) + " .user-role");
  }

  /** A user's status: {@code enabled} or {@code disabled}. */
  public String statusOf(String username) {
    return browser.text(row(username) + " .user-status");
  }

  /** Asks to make a user an admin, or an admin a user: a page says what changes first. */
  public ConfirmPage<UsersPage> changeRole(String username) {
    browser.submit(row(username) + " .change-role");
    return new ConfirmPage<>(browser, UsersPage::new);
  }

  /** Asks to disable a user: a page says what happens first. */
  public ConfirmPage<UsersPage> disable(String username) {
    browser.submit(row(username) + " .disable-user");
    return new ConfirmPage<>(browser, UsersPage::new);
  }

  /** Creates a user that the server refuses; the form comes back with its message. */
  public UsersPage createRefused(String username, String password) {
    ((JavascriptExecutor) browser.driver()).executeScript(
        "document.getElementById('create-user-form').noValidate = true");
    return create(username, password);
  }

  /** What the new user's name field holds. */
  public String typedUsername() {
    return browser.find("#new-username").getAttribute("value");
  }

  /** Sets a user's password through the form in their row (opened first). */
  public UsersPage setPassword(String username, String password) {
    browser.find(row(username) + " details.set-password summary").click();
    ((JavascriptExecutor) browser.driver()).executeScript(
        "document.querySelectorAll('form').forEach(function (f) { f.noValidate = true; });");
    browser.type(row(username) + " .password-input", password).submit(row(username) + " .change-password");
    return new UsersPage(browser);
  }

  private static String row(String username) {
    return "#users tr[data-user='" + username + "']";
  }
}
