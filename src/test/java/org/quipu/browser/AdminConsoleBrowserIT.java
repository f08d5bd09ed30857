package org.quipu.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.quipu.browser.pages.ConfirmPage;
import org.quipu.browser.pages.ErrorPage;
import org.quipu.browser.pages.OverviewPage;
import org.quipu.browser.pages.QueuePage;
import org.quipu.browser.pages.QueuesPage;
import org.quipu.browser.pages.SessionsPage;
import org.quipu.browser.pages.TopicPage;
import org.quipu.browser.pages.TopicsPage;
import org.quipu.browser.pages.UsersPage;
import org.quipu.it.Api;

/**
 * The console's topic and admin journeys in headless Chromium: topics and subscriptions,
 * publishing, users, revoking a live session (which the API honours at once), the admin-only pages
 * a user cannot reach, and the dark theme and a phone-sized window.
 */
class AdminConsoleBrowserIT extends ConsoleBrowserTest {

  @Test
  void createTopic_subscribe_publish_showsWhichSubscriptionsItReached() {
    loginAsAdmin(browser);
    String t = Api.unique("events");
    TopicPage topic = TopicsPage.open(browser).create(t);
    assertEquals("topics/" + t, topic.path());
    assertEquals("Created topic " + t + ".", topic.notice());

    topic = topic.subscribe("orders", "order.*");
    assertTrue(topic.notice().startsWith("Subscribed orders with binding key order.*"));
    topic = topic.subscribe("everything", "#").subscribe("users", "user.#");

    topic = topic.publish("order.created", "{\"id\":1}");
    assertTrue(topic.notice().endsWith("it reached 2 subscriptions: everything, orders."), topic.notice());
    assertEquals("1", topic.readyOf("orders"));
    assertEquals("0", topic.readyOf("users"));
    topic.screenshot("topic");

    topic = topic.unsubscribe("everything");
    assertEquals("Unsubscribed everything.", topic.notice());
    topic = topic.publish("nobody.listens");
    assertTrue(topic.notice().contains("it matched no subscription"), topic.notice());

    // The subscription's own queue opens like any queue, and its message is browsable there.
    QueuePage queue = topic.openQueueOf("orders");
    assertEquals(t + "/orders", queue.title());
    assertTrue(queue.messages().contains("{\"id\":1}"));

    TopicsPage topics = TopicsPage.open(browser, t);
    assertTrue(topics.topics().contains(t));
    topics.screenshot("topics");

    ConfirmPage<TopicsPage> delete = TopicPage.open(browser, t).delete();
    assertTrue(delete.consequence().contains("2 subscriptions go with it"));
    assertEquals("Deleted topic " + t + " and its subscriptions.", delete.confirm().notice());
    new Api(url).admin().get("topics/" + t).expect(404);
  }

  @Test
  void admin_createsAUser_changesTheRole_andDisablesIt() {
    loginAsAdmin(browser);
    String name = Api.unique("carol");
    UsersPage users = UsersPage.open(browser).create(name, "carol-password");
    assertTrue(users.notice().contains(name), users.notice());
    assertEquals("user", users.roleOf(name));

    users = users.changeRole(name);
    assertEquals("admin", users.roleOf(name));
    Api carol = new Api(url).login(name, "carol-password");
    carol.get("users").expect(200); // an admin now

    users = users.disable(name);
    assertEquals("disabled", users.statusOf(name));
    carol.get("users/me").expect(401); // disabling revoked the session at once
    users.screenshot("users");
  }

  @Test
  void revokingASession_disconnectsTheUser_atOnce() {
    Api dave = new Api(url).newUser("dave");
    String daveName = dave.username();
    String sessionId = new Api(url).admin().items("sessions").stream()
        .filter(s -> s.getString("username").equals(daveName))
        .findFirst().orElseThrow().getString("id");

    loginAsAdmin(browser);
    SessionsPage sessions = SessionsPage.open(browser);
    assertTrue(sessions.marksTheCurrentSession(), "the admin's own session is marked");
    sessions.screenshot("sessions");
    sessions = sessions.revoke(sessionId);
    assertTrue(sessions.notice().startsWith("Revoked the session of " + daveName));
    dave.get("users/me").expect(401);
    assertFalse(sessions.lists(sessionId));
  }

  @Test
  void aUser_cannotReachTheAdminPages_andSeesNoLinksToThem() {
    Api erin = new Api(url).newUser("erin");
    OverviewPage overview = loginAs(browser, erin.username(), "password-" + erin.username());
    assertFalse(overview.navigation().contains("Users"));
    for (String page : new String[] {"users", "sessions"}) {
      ErrorPage refused = ErrorPage.open(browser, page);
      assertEquals("Not allowed", refused.heading());
      assertEquals("Only an admin may open this page.", refused.problem());
    }
    // A user's own private queue is theirs to manage; another's shared queue is not.
    Api admin = new Api(url).admin();
    String shared = Api.unique("shared");
    admin.put("queues/" + shared, null).expect(201);
    QueuePage queue = QueuePage.open(browser, shared);
    assertFalse(queue.canPurge());
    assertTrue(queue.canSend(), "anyone may send to a shared queue");
    ErrorPage refused = ErrorPage.open(browser, "queues/" + shared + "/purge");
    assertEquals("Only the owner of queue " + shared + " or an admin may purge it.", refused.problem());
  }

  @Test
  void overview_refreshesTotalsAndRatesByItself() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("live");
    admin.put("queues/" + q, null).expect(201);
    OverviewPage overview = OverviewPage.open(browser);
    String ready = overview.readyTotal();
    for (int i = 0; i < 3; i++) {
      admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "m" + i).build()).expect(201);
    }
    // At least 3 more: other tests' leases running out can add ready messages meanwhile.
    long expected = Long.parseLong(ready) + 3;
    within15Seconds(() -> Long.parseLong(overview.readyTotal()) >= expected);
    within15Seconds(() -> !overview.ratesNow().startsWith("Now: 0 published"));
  }

  @Test
  void darkTheme_andAPhoneSizedWindow() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("phone");
    admin.put("queues/" + q, Json.createObjectBuilder().add("maxLength", 100).build()).expect(201);
    QueuesPage queues = QueuesPage.open(browser, "phone");
    queues.toggleTheme(); // auto -> dark
    assertEquals("dark", queues.theme());
    OverviewPage overview = OverviewPage.open(browser);
    assertEquals("dark", overview.theme(), "the choice is remembered");
    overview.waitForRatesChart().screenshot("overview-dark");
    overview.toggleTheme(); // dark -> light
    overview.toggleTheme(); // light -> auto

    Dimension laptop = browser.driver().manage().window().getSize();
    try {
      browser.driver().manage().window().setSize(new Dimension(390, 844));
      QueuePage queue = QueuePage.open(browser, q);
      int overflow = queue.sidewaysOverflow();
      assertTrue(overflow <= 0, "no sideways scrolling on a phone: " + overflow);
      queue.screenshot("queue-phone");
    } finally {
      browser.driver().manage().window().setSize(laptop);
    }
  }

  /** Waits for what a live page shows by itself; fails the test after 15 seconds. */
  private static void within15Seconds(BooleanSupplier condition) {
    new WebDriverWait(browser.driver(), Duration.ofSeconds(15))
        .ignoring(StaleElementReferenceException.class)
        .until(d -> condition.getAsBoolean());
  }
}
