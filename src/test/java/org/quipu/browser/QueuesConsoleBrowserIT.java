package org.quipu.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.quipu.it.Api;
import org.quipu.it.QuipuDeployment;

/**
 * The console's queue journeys in headless Chromium: logging in and out, creating a queue, sending,
 * browsing (which must not count a delivery), searching, the message page, purging, moving
 * dead-lettered messages back, deleting; and the CSRF and session checks on forms.
 */
@ExtendWith(ArquillianExtension.class)
class QueuesConsoleBrowserIT {

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
  void login_refusesBadCredentials_thenOpensTheOverview() {
    browser.driver().manage().deleteAllCookies();
    browser.open("");
    assertEquals("login", browser.path(), "a page without a session redirects to the login");
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "login");

    browser.login("admin", "not-the-password");
    assertEquals("Unknown user or wrong password.", browser.text("#error"));
    assertEquals("", browser.find("#password").getAttribute("value"));

    browser.login("admin", Api.ADMIN_PASSWORD);
    assertEquals("", browser.path());
    assertTrue(browser.text("#current-user").startsWith("admin"));
    assertTrue(browser.text("#nodes").contains("leader"));
    assertTrue(browser.text("#nodes").contains("served this page"));
    browser.waitFor("#rates-chart canvas");
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "overview");
  }

  @Test
  void createQueue_send_browseWithoutReceiving_search_andOpenAMessage() {
    ConsoleSupport.loginAsAdmin(browser);
    String q = Api.unique("console");
    browser.open("queues/_new")
        .type("#queue-name", q)
        .type("input[name=visibilityTimeoutSeconds]", "45")
        .type("input[name=maxLength]", "1000")
        .submit("#save-queue");
    assertEquals("queues/" + q, browser.path());
    assertEquals("Created queue " + q + ".", browser.text("#notice"));
    assertTrue(browser.text("#attributes").contains("45 s"));

    browser.type("#send-body", "{\"order\":42,\"items\":[\"apple\"]}")
        .type("#send-headers", "type: order.created\nregion: eu")
        .submit("#send-button");
    assertTrue(browser.text("#notice").startsWith("Sent message "));
    assertEquals("1", browser.text("#ready"));
    assertTrue(browser.text("#messages").contains("{\"order\":42,\"items\":[\"apple\"]}"));
    assertTrue(browser.text("#messages").contains("region=eu"));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "queue");

    browser.type("#search", "region").submit("#search-button");
    assertTrue(browser.text("#message-count").startsWith("1 matching"));
    browser.type("#search", "no-such-text").submit("#search-button");
    assertTrue(browser.text("#message-count").startsWith("0 matching"));
    assertFalse(browser.present("#messages"));

    browser.open("queues/" + q).submit("#messages tbody a");
    assertTrue(browser.text("#message-body").contains("\"order\": 42"), "JSON is pretty-printed");
    assertTrue(browser.text("#headers").contains("order.created"));
    assertTrue(browser.text("#history").contains("Sent by admin"));
    assertEquals("0", browser.text("#receive-count"));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "message");

    // Browsing and opening the message counted no delivery: the first receive is the first.
    Api admin = new Api(url).admin();
    JsonObject received = admin.post("queues/" + q + "/messages:receive", null).expect(200)
        .array().getJsonObject(0);
    assertEquals(1, received.getInt("receiveCount"));
  }

  @Test
  void queueForm_showsErrorsOnThePage_andChangesNothing() {
    ConsoleSupport.loginAsAdmin(browser);
    String q = Api.unique("console");
    browser.open("queues/_new");
    // The browser's own checks (min/max) would stop this form; the server must check it too.
    ((org.openqa.selenium.JavascriptExecutor) browser.driver())
        .executeScript("document.getElementById('queue-form').noValidate = true");
    browser.type("#queue-name", q)
        .type("input[name=visibilityTimeoutSeconds]", "99999")
        .submit("#save-queue");
    assertTrue(browser.text("#form-errors").contains("Visibility timeout"));
    assertEquals(q, browser.find("#queue-name").getAttribute("value"), "the form keeps what was typed");
    new Api(url).admin().get("queues/" + q).expect(404);
  }

  @Test
  void purge_andDelete_sayWhatIsLost_beforeTheyAct() {
    ConsoleSupport.loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("console");
    admin.put("queues/" + q, null).expect(201);
    for (int i = 0; i < 3; i++) {
      admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "m" + i).build()).expect(201);
    }
    browser.open("queues/" + q).submit("#purge-queue");
    assertTrue(browser.text("#consequence").contains("drops 3 messages"));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "purge-confirmation");
    browser.submit("#confirm");
    assertEquals("Purged 3 messages from " + q + ".", browser.text("#notice"));
    assertEquals("0", browser.text("#ready"));

    admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "left").build()).expect(201);
    browser.open("queues/" + q).submit("#delete-queue");
    assertTrue(browser.text("#consequence").contains("1 pending messages are lost"));
    browser.submit("#confirm");
    assertEquals("queues", browser.path());
    assertEquals("Deleted queue " + q + ".", browser.text("#notice"));
    admin.get("queues/" + q).expect(404);
  }

  @Test
  void deadLetteredMessages_areProposedForRedrive_andKeepAMarker() {
    ConsoleSupport.loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String source = Api.unique("console");
    String dlq = source + "-dlq";
    admin.put("queues/" + dlq, null).expect(201);
    admin.put("queues/" + source, Json.createObjectBuilder().add("deadLetterQueue", dlq)
        .add("maxReceiveCount", 1).add("visibilityTimeoutSeconds", 0).build()).expect(201);
    admin.post("queues/" + source + "/messages", Json.createObjectBuilder().add("body", "poison").build()).expect(201);
    admin.post("queues/" + source + "/messages:receive", null).expect(200);
    assertEquals(0, admin.post("queues/" + source + "/messages:receive", null).expect(200).array().size());

    browser.open("queues/" + dlq);
    assertTrue(browser.text("#messages").contains("from " + source));
    assertTrue(browser.text("#redrive").contains("1 messages came from " + source));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "dead-letter-queue");
    browser.submit("#redrive .redrive-button");
    assertEquals("Moved 1 messages back to " + source + ".", browser.text("#notice"));

    browser.open("queues/" + source);
    assertTrue(browser.text("#messages").contains("redriven"));
    browser.submit("#messages tbody a");
    String history = browser.text("#history");
    assertTrue(history.contains("Delivered to admin"), history);
    assertTrue(history.contains("Dead-lettered out of " + source), history);
    assertTrue(history.contains("Moved back from the dead-letter queue into " + source), history);
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "message-history");
  }

  @Test
  void queueList_filtersAndSortsOnTheServer_andHidesOthersPrivateQueues() {
    Api alice = new Api(url).newUser("alice");
    String prefix = Api.unique("sorted");
    alice.put("queues/" + prefix + "-a", null).expect(201);
    alice.put("queues/" + prefix + "-b", null).expect(201);
    alice.put("queues/" + prefix + "-private", Json.createObjectBuilder().add("shared", false).build()).expect(201);
    alice.post("queues/" + prefix + "-a/messages", Json.createObjectBuilder().add("body", "x").build()).expect(201);

    Api bob = new Api(url).newUser("bob");
    ConsoleSupport.loginAs(browser, bob.username(), "password-" + bob.username());
    browser.open("queues?filter=" + prefix + "&sort=ready&dir=desc");
    var names = browser.driver().findElements(By.cssSelector("#queues tbody td:first-child a"))
        .stream().map(e -> e.getText()).toList();
    assertEquals(java.util.List.of(prefix + "-a", prefix + "-b"), names, "bob does not see alice's private queue");
    assertTrue(browser.text("#queue-count").startsWith("2 of"));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "queues");
  }

  @Test
  void aFormWithoutItsCsrfToken_isRefused_andChangesNothing() throws Exception {
    ConsoleSupport.loginAsAdmin(browser);
    Cookie session = browser.driver().manage().getCookieNamed("quipu_session");
    assertTrue(session.isHttpOnly());
    assertEquals("Lax", session.getSameSite()); // links from elsewhere open logged in; POSTs need CSRF
    String q = Api.unique("csrf");
    HttpClient http = HttpClient.newHttpClient();
    for (String body : new String[] {"name=" + q, "name=" + q + "&_csrf=forged"}) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
              URI.create(ConsoleSupport.consoleUrl(url) + "queues"))
          .header("Cookie", "quipu_session=" + session.getValue())
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, answer.statusCode());
      assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
      assertTrue(answer.body().contains("did not come from the console"));
      assertFalse(answer.body().contains("Exception"));
    }
    new Api(url).admin().get("queues/" + q).expect(404);
  }

  @Test
  void logout_endsTheSession_everywhere() throws Exception {
    ConsoleSupport.loginAsAdmin(browser);
    String token = browser.driver().manage().getCookieNamed("quipu_session").getValue();
    new Api(url).as(token).get("users/me").expect(200); // the console's session is an API session
    browser.submit("#logout");
    assertEquals("login", browser.path());
    assertEquals("You are logged out.", browser.text("#notice"));
    new Api(url).as(token).get("users/me").expect(401);
    HttpResponse<String> old = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(ConsoleSupport.consoleUrl(url) + "queues"))
        .header("Cookie", "quipu_session=" + token).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(303, old.statusCode());
  }

  @Test
  void unknownPagesAndQueues_showAnErrorPage_notJson() {
    ConsoleSupport.loginAsAdmin(browser);
    browser.open("queues/" + Api.unique("missing"));
    assertTrue(browser.text("#problem").contains("does not exist"));
    browser.open("no-such-page");
    assertEquals("There is no console page at this address.", browser.text("#problem"));
    browser.screenshot(ConsoleSupport.SCREENSHOTS, "error");
  }

  @Test
  void theSendForm_keepsTheApisLimits_andAnOddBodyStillShows() {
    ConsoleSupport.loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("limits");
    admin.put("queues/" + q, null).expect(201);
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 65; i++) {
      headers.append("h").append(i).append(": v\n");
    }
    browser.open("queues/" + q);
    ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
        "document.getElementById('send-headers').value = arguments[0];", headers.toString());
    browser.type("#send-body", "x").submit("#send-button");
    assertTrue(browser.text("#error").contains("Headers: must hold at most 64 headers."), browser.text("#error"));
    assertEquals("0", browser.text("#ready"), "nothing was sent");

    // A body nested deeper than the JSON parser allows is shown as it is, not as an error.
    String deep = "[".repeat(5000) + "]".repeat(5000);
    String id = admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", deep).build())
        .expect(201).object().getString("id");
    browser.open("queues/" + q + "/messages/" + id);
    assertTrue(browser.text("#message-body").startsWith("[[[["));
  }

  @Test
  void login_returnsToThePageAsked_evenASubscriptionsQueueWithAQuery() {
    Api admin = new Api(url).admin();
    String t = Api.unique("t");
    admin.put("topics/" + t, null).expect(201);
    admin.put("topics/" + t + "/subscriptions/s", null).expect(201);
    browser.open("");
    browser.driver().manage().deleteAllCookies();
    browser.open("queues/" + t + "%2Fs?search=abc");
    assertTrue(browser.path().startsWith("login?next="), browser.path());
    browser.type("#username", "admin").type("#password", Api.ADMIN_PASSWORD).submit("#login-form button");
    assertEquals("queues/" + t + "%2Fs?search=abc", browser.path());
    assertEquals(t + "/s", browser.text("#queue-title"));
    assertEquals("abc", browser.find("#search").getAttribute("value"));
    assertFalse(browser.present("#delete-queue"), "a subscription's queue goes with its subscription");
    browser.open("queues/" + t + "%2Fs/delete");
    assertTrue(browser.text("#problem").contains("belongs to a subscription"));
  }
}
