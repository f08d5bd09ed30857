package org.quipu.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
abstract class AdminConsoleBehaviour extends ConsoleBrowserTest {

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

    ConfirmPage<TopicPage> unsubscribe = topic.unsubscribe("everything");
    assertTrue(unsubscribe.consequence().contains("its 1 pending messages"), unsubscribe.consequence());
    topic = unsubscribe.confirm();
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

    Api carol = new Api(url).login(name, "carol-password");
    ConfirmPage<UsersPage> makeAdmin = users.changeRole(name);
    assertTrue(makeAdmin.consequence().contains(name + " becomes an admin"), makeAdmin.consequence());
    carol.get("users").expect(403); // nothing changes before the confirmation
    users = makeAdmin.confirm();
    assertEquals("admin", users.roleOf(name));
    carol = new Api(url).login(name, "carol-password");
    carol.get("users").expect(200); // an admin now

    ConfirmPage<UsersPage> disable = users.disable(name);
    assertTrue(disable.consequence().contains("live sessions are revoked at once"), disable.consequence());
    carol.get("users/me").expect(200); // nothing changes before the confirmation
    users = disable.confirm();
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
    ConfirmPage<SessionsPage> revoke = sessions.revoke(sessionId);
    assertTrue(revoke.consequence().contains("The session of " + daveName), revoke.consequence());
    dave.get("users/me").expect(200); // nothing changes before the confirmation
    sessions = revoke.confirm();
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

  @Test
  void refusedTopicForms_keepWhatWasTyped_andShowTheErrorBesideTheField() {
    loginAsAdmin(browser);
    String t = Api.unique("forms");
    new Api(url).admin().put("topics/" + t, null).expect(201);
    String missing = Api.unique("no-such-queue");
    TopicPage topic = TopicPage.open(browser, t).subscribeInto("orders", "order.*", missing);
    assertTrue(topic.fieldError("subscribe-error").contains(missing), topic.fieldError("subscribe-error"));
    assertEquals("orders", topic.typed("subscription-name"));
    assertEquals("order.*", topic.typed("binding-key"));
    assertEquals(missing, topic.typed("subscription-queue"));
    assertEquals("subscribe-error", topic.focusedId(), "the form's error has the focus, so it is in view");

    topic = topic.publishWithHeaders("order.created", "{\"id\": 7}", "broken header");
    assertTrue(topic.fieldError("publish-headers-error").startsWith("Each line of Headers"),
        topic.fieldError("publish-headers-error"));
    assertEquals("{\"id\": 7}", topic.typed("publish-body"));
    assertEquals("order.created", topic.typed("routing-key"));
  }

  @Test
  void refusedUserForms_keepWhatWasTyped_andShowTheErrorBesideTheField() {
    loginAsAdmin(browser);
    String name = Api.unique("frank");
    UsersPage users = UsersPage.open(browser).createRefused(name, "short");
    assertEquals("Password must be 8 to 1024 characters.", users.fieldError("new-password-error"));
    assertEquals(name, users.typedUsername(), "the name is kept (a password never is)");

    users = UsersPage.open(browser).create(name, "long-enough-password");
    users = users.setPassword(name, "short");
    assertEquals("Password must be 8 to 1024 characters.", users.fieldError("password-error"));
    new Api(url).login(name, "long-enough-password"); // unchanged
  }

  @Test
  void overviewTotals_sayWhatTheyCount_andShowSubscriptionsApart() {
    Api admin = new Api(url).admin();
    String t = Api.unique("backlog");
    admin.put("topics/" + t, null).expect(201);
    admin.put("topics/" + t + "/subscriptions/s", null).expect(201);
    admin.post("topics/" + t + "/messages", Json.createObjectBuilder().add("body", "x").add("routingKey", "k").build())
        .expect(201);
    OverviewPage overview = loginAsAdmin(browser);
    assertTrue(overview.totals().contains("Ready in queues"), overview.totals());
    assertTrue(overview.totals().contains("Waiting in subscriptions"), overview.totals());
    assertTrue(overview.totalsNote().contains("counted apart"), overview.totalsNote());
    assertTrue(Long.parseLong(overview.subscriptionBacklog()) >= 1);
  }

  @Test
  void aLiveRefresh_neverMovesTheKeyboardFocus() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("focus");
    admin.put("queues/" + q, null).expect(201);
    QueuesPage queues = QueuesPage.open(browser, q);
    queues.focusSortLink("Ready");
    admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "x").build()).expect(201);
    sleep(Duration.ofSeconds(11)); // two rounds of the 5 s refresh, with a change to show
    assertEquals("Ready", queues.focusedText());
  }

  @Test
  void themeButton_namesTheThemeThatIsOn() {
    OverviewPage overview = loginAsAdmin(browser);
    String before = overview.themeButton();
    assertTrue(before.matches("◐? ?Theme: (system|dark|light)") || before.startsWith("Theme: "), before);
    overview.toggleTheme();
    assertEquals("Theme: " + (overview.theme().equals("auto") ? "system" : overview.theme()),
        overview.themeButton().replace("◐", "").strip());
    while (!overview.theme().equals("auto")) {
      overview.toggleTheme();
    }
  }

  @Test
  void atPhoneWidth_noPageScrollsSideways_andLongNamesWrap() {
    Api admin = new Api(url).admin();
    String longName = Api.unique("a-very-long-queue-name") + "-" + "x".repeat(80);
    admin.put("queues/" + longName, null).expect(201);
    String t = Api.unique("a-very-long-topic-name") + "-" + "y".repeat(80);
    admin.put("topics/" + t, null).expect(201);
    admin.put("topics/" + t + "/subscriptions/" + "s".repeat(60), null).expect(201);
    loginAsAdmin(browser);
    Dimension laptop = browser.driver().manage().window().getSize();
    List<String> problems = new ArrayList<>();
    try {
      browser.driver().manage().window().setSize(new Dimension(390, 844));
      for (String page : List.of("", "queues", "queues/_new", "queues/" + longName, "topics",
          "topics/" + t, "users", "sessions", "queues/" + longName + "/delete")) {
        QueuePage shown = new QueuePage(browser.open(page));
        int overflow = shown.sidewaysOverflow();
        if (overflow > 0) {
          problems.add(page + " by " + overflow + " px: " + shown.overflowingElements());
        }
        if (shown.tableOverflow() > 0) {
          problems.add(page + ": a table scrolls by " + shown.tableOverflow() + " px: "
              + shown.tableCellWidths());
        }
      }
      TopicPage.open(browser, t).screenshot("topic-phone");
    } finally {
      browser.driver().manage().window().setSize(laptop);
    }
    assertEquals(List.of(), problems);
  }

  private static void sleep(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for what a live page shows by itself; fails the test after 15 seconds. */
  private static void within15Seconds(BooleanSupplier condition) {
    new WebDriverWait(browser.driver(), Duration.ofSeconds(15))
        .ignoring(StaleElementReferenceException.class)
        .until(d -> condition.getAsBoolean());
  }
}
