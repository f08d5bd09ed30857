package org.quipu.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.quipu.it.Api;
import org.quipu.it.QuipuDeployment;

/**
 * The console's topic and admin journeys in headless Chromium: topics and subscriptions,
 * publishing, users, revoking a live session (which the API honours at once), the admin-only pages
 * a user cannot reach, and the dark theme and a phone-sized window.
 */
@ExtendWith(ArquillianExtension.class)
class AdminConsoleBrowserIT {

  private static Browser browser;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

  @ArquillianResource URL url;

  @BeforeEach
  void openBrowser() {
    if (browser == null) {
      browser = new Browser(ConsoleSupport.consoleUrl(url), 1280, 900);
    }
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void createTopic_subscribe_publish_showsWhichSubscriptionsItReached() {
    ConsoleSupport.loginAsAdmin(browser);
    String t = Api.unique("events");
    browser.open("topics").type("#topic-name", t).submit("#create-topic");
    assertEquals("topics/" + t, browser.path());
    assertEquals("Created topic " + t + ".", browser.text("#notice"));

    browser.type("#subscription-name", "orders").type("#binding-key", "order.*").submit("#subscribe");
    assertTrue(browser.text("#notice").startsWith("Subscribed orders with binding key order.*"));
    browser.type("#subscription-name", "everything").type("#binding-key", "#").submit("#subscribe");
    browser.type("#subscription-name", "users").type("#binding-key", "user.#").submit("#subscribe");

    browser.type("#routing-key", "order.created").type("#publish-body", "{\"id\":1}").submit("#publish-button");
    assertTrue(browser.text("#notice").endsWith("it reached 2 subscriptions: everything, orders."),
        browser.text("#notice"));
    assertEquals("1", browser.text("#subscriptions tr[data-subscription=orders] td:nth-child(5)"));
    assertEquals("0", browser.text("#subscriptions tr[data-subscription=users] td:nth-child(5)"));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "topic");

    browser.submit("#subscriptions tr[data-subscription=everything] .unsubscribe");
    assertEquals("Unsubscribed everything.", browser.text("#notice"));
    browser.type("#routing-key", "nobody.listens").submit("#publish-button");
    assertTrue(browser.text("#notice").contains("it matched no subscription"), browser.text("#notice"));

    // The subscription's own queue opens like any queue, and its message is browsable there.
    browser.find("#subscriptions tr[data-subscription=orders] td:nth-child(4) a").click();
    browser.waitFor("#queue-title");
    assertEquals(t + "/orders", browser.text("#queue-title"));
    assertTrue(browser.text("#messages").contains("{\"id\":1}"));

    browser.open("topics?filter=" + t);
    assertTrue(browser.text("#topics").contains(t));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "topics");

    browser.open("topics/" + t).submit("#delete-topic");
    assertTrue(browser.text("#consequence").contains("2 subscriptions go with it"));
    browser.submit("#confirm");
    assertEquals("Deleted topic " + t + " and its subscriptions.", browser.text("#notice"));
    new Api(url).admin().get("topics/" + t).expect(404);
  }

  @Test
  void admin_createsAUser_changesTheRole_andDisablesIt() {
    ConsoleSupport.loginAsAdmin(browser);
    String name = Api.unique("carol");
    browser.open("users").type("#new-username", name).type("#new-password", "carol-password")
        .submit("#create-user");
    assertTrue(browser.text("#notice").contains(name), browser.text("#notice"));
    String row = "#users tr[data-user='" + name + "']";
    assertEquals("user", browser.text(row + " .user-role"));

    browser.submit(row + " .change-role");
    assertEquals("admin", browser.text(row + " .user-role"));
    Api carol = new Api(url).login(name, "carol-password");
    carol.get("users").expect(200); // an admin now

    browser.submit(row + " .disable-user");
    assertEquals("disabled", browser.text(row + " .user-status"));
    carol.get("users/me").expect(401); // disabling revoked the session at once
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "users");
  }

  @Test
  void revokingASession_disconnectsTheUser_atOnce() {
    Api dave = new Api(url).newUser("dave");
    String daveName = dave.username();
    String sessionId = new Api(url).admin().get("sessions").expect(200).object().getJsonArray("items")
        .getValuesAs(jakarta.json.JsonObject.class).stream()
        .filter(s -> s.getString("username").equals(daveName))
        .findFirst().orElseThrow().getString("id");

    ConsoleSupport.loginAsAdmin(browser);
    browser.open("sessions");
    assertTrue(browser.present("#current-session"), "the admin's own session is marked");
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "sessions");
    browser.submit("#sessions tr[data-session='" + sessionId + "'] .revoke-session");
    assertTrue(browser.text("#notice").startsWith("Revoked the session of " + daveName));
    dave.get("users/me").expect(401);
    assertFalse(browser.present("#sessions tr[data-session='" + sessionId + "']"));
  }

  @Test
  void aUser_cannotReachTheAdminPages_andSeesNoLinksToThem() {
    Api erin = new Api(url).newUser("erin");
    ConsoleSupport.loginAs(browser, erin.username(), "password-" + erin.username());
    assertFalse(browser.text("header nav").contains("Users"));
    for (String page : new String[] {"users", "sessions"}) {
      browser.open(page);
      assertEquals("Not allowed", browser.text("h1"));
      assertEquals("Only an admin may open this page.", browser.text("#problem"));
    }
    // A user's own private queue is theirs to manage; another's shared queue is not.
    Api admin = new Api(url).admin();
    String shared = Api.unique("shared");
    admin.put("queues/" + shared, null).expect(201);
    browser.open("queues/" + shared);
    assertFalse(browser.present("#purge-queue"));
    assertTrue(browser.present("#send-form"), "anyone may send to a shared queue");
    browser.open("queues/" + shared + "/purge");
    assertEquals("Only the owner of queue " + shared + " or an admin may purge it.", browser.text("#problem"));
  }

  @Test
  void overview_refreshesTotalsAndRatesByItself() {
    ConsoleSupport.loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("live");
    admin.put("queues/" + q, null).expect(201);
    browser.open("");
    String ready = browser.text("#totals div:nth-child(3) dd");
    for (int i = 0; i < 3; i++) {
      admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "m" + i).build()).expect(201);
    }
    long expected = Long.parseLong(ready) + 3;
    new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(d ->
        browser.text("#totals div:nth-child(3) dd").equals(String.valueOf(expected)));
    new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(d ->
        !browser.text("[data-rates-now]").startsWith("Now: 0 published"));
  }

  @Test
  void darkTheme_andAPhoneSizedWindow() {
    ConsoleSupport.loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("phone");
    admin.put("queues/" + q, Json.createObjectBuilder().add("maxLength", 100).build()).expect(201);
    browser.open("queues?filter=phone");
    browser.find("[data-theme-toggle]").click(); // auto -> dark
    assertEquals("dark", browser.find("html").getAttribute("data-theme"));
    browser.open("");
    assertEquals("dark", browser.find("html").getAttribute("data-theme"), "the choice is remembered");
    browser.waitFor("#rates-chart canvas");
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "overview-dark");
    browser.find("[data-theme-toggle]").click(); // dark -> light
    browser.find("[data-theme-toggle]").click(); // light -> auto

    Dimension laptop = browser.driver().manage().window().getSize();
    try {
      browser.driver().manage().window().setSize(new Dimension(390, 844));
      browser.open("queues/" + q);
      Number overflow = (Number) ((org.openqa.selenium.JavascriptExecutor) browser.driver())
          .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
      assertTrue(overflow.intValue() <= 0, "no sideways scrolling on a phone: " + overflow);
      browser.screenshot(ConsoleSupport.SCREENSHOTS, "queue-phone");
    } finally {
      browser.driver().manage().window().setSize(laptop);
    }
  }
}
