package org.quipu.browser;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quipu.browser.pages.LoginPage;
import org.quipu.browser.pages.OverviewPage;
import org.quipu.it.Api;
import org.quipu.it.QuipuDeployment;

/**
 * What every console browser test class shares: the one deployment of the class (Arquillian finds
 * it here), one headless Chromium for the class, the console's address, and logging in afresh.
 */
@ExtendWith(ArquillianExtension.class)
abstract class ConsoleBrowserTest {

  /** One browser per test class, opened by its first test and closed after its last. */
  static Browser browser;

  @ArquillianResource URL url;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

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
