package org.quipu.browser;

import java.net.URL;
import java.nio.file.Path;
import org.quipu.it.Api;

/** What the console's browser tests share: one browser per test class, logging in, screenshots. */
final class ConsoleSupport {

  /** Screenshots of every page land here; the README shows copies from docs/console/. */
  static final Path SCREENSHOTS = Path.of(System.getProperty("quipu.screenshots", "target/console-screenshots"));

  private ConsoleSupport() {}

  static String consoleUrl(URL deployment) {
    return deployment.toString().replaceAll("/+$", "") + "/console/";
  }

  /** Forgets every cookie, then logs in through the form as this user. */
  static void loginAs(Browser browser, String username, String password) {
    browser.open("login");
    browser.driver().manage().deleteAllCookies();
    browser.login(username, password);
  }

  static void loginAsAdmin(Browser browser) {
    loginAs(browser, "admin", Api.ADMIN_PASSWORD);
  }
}
