package org.quipu.browser.pages;

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

  /** Makes a user an admin, or an admin a user. */
  public UsersPage changeRole(String username) {
    browser.submit(row(username) + " .change-role");
    return new UsersPage(browser);
  }

  public UsersPage disable(String username) {
    browser.submit(row(username) + " .disable-user");
    return new UsersPage(browser);
  }

  private static String row(String username) {
    return "#users tr[data-user='" + username + "']";
  }
}
