package org.quipu.browser;

import java.net.URL;
import org.quipu.browser.pages.LoginPage;
import org.quipu.browser.pages.OverviewPage;
import org.quipu.it.Api;

/** What the console's browser tests share: the console's address and logging in afresh. */
final class ConsoleSupport {

  private ConsoleSupport() {}

  static String consoleUrl(URL deployment) {
    return deployment.toString().replaceAll("/+$", "") + "/console/";
  }

  /** Forgets every cookie, then logs in through the form as this user. */
  static OverviewPage loginAs(Browser browser, String username, String password) {
    return LoginPage.openForgettingTheSession(browser).logIn(username, password);
  }

  static OverviewPage loginAsAdmin(Browser browser) {
    return loginAs(browser, "admin", Api.ADMIN_PASSWORD);
  }
}
