package org.quipu.browser;

import java.net.URL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.quipu.browser.pages.LoginPage;
import org.quipu.browser.pages.OverviewPage;
import org.quipu.it.Api;
import org.quipu.it.DeployedNode;

/**
 * What every console behaviour shares: the node {@link ConsoleBrowserIT} deployed, one headless
 * Chromium per behaviour class, the console's address, and logging in afresh.
 */
abstract class ConsoleBrowserTest {

  /** One browser per behaviour class, opened by its first test and closed after its last. */
  static Browser browser;

  /** The node's root address. */
  final URL url = DeployedNode.url();

  @BeforeEach
  void openBrowser() {
    if (browser == null) {
      browser = new Browser(consoleUrl(url), 1280, 900);
    }
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

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
