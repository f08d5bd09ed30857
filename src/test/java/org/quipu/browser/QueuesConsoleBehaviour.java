package org.quipu.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;
import org.quipu.browser.pages.ConfirmPage;
import org.quipu.browser.pages.ErrorPage;
import org.quipu.browser.pages.LoginPage;
import org.quipu.browser.pages.MessagePage;
import org.quipu.browser.pages.OverviewPage;
import org.quipu.browser.pages.QueueFormPage;
import org.quipu.browser.pages.QueuePage;
import org.quipu.browser.pages.QueuesPage;
import org.quipu.it.Api;

/**
 * The console's queue journeys in headless Chromium: logging in and out, creating a queue, sending,
 * browsing (which must not count a delivery), searching, the message page, purging, moving
 * dead-lettered messages back, deleting; and the CSRF and session checks on forms.
 */
abstract class QueuesConsoleBehaviour extends ConsoleBrowserTest {

  @Test
  void login_refusesBadCredentials_thenOpensTheOverview() {
    browser.driver().manage().deleteAllCookies();
    LoginPage login = OverviewPage.openWithoutASession(browser);
    assertEquals("login", login.path(), "a page without a session redirects to the login");
    login.screenshot("login");

    LoginPage refused = LoginPage.open(browser).logInRefused("admin", "not-the-password");
    assertEquals("Unknown user or wrong password.", refused.error());
    assertEquals("", refused.typedPassword());

    OverviewPage overview = LoginPage.open(browser).logIn("admin", Api.ADMIN_PASSWORD);
    assertEquals("", overview.path());
    assertTrue(overview.currentUser().startsWith("admin"));
    assertTrue(overview.nodes().contains("leader"));
    assertTrue(overview.nodes().contains("served this page"));
    overview.waitForRatesChart().screenshot("overview");
  }

  @Test
  void createQueue_send_browseWithoutReceiving_search_andOpenAMessage() {
    loginAsAdmin(browser);
    String q = Api.unique("console");
    QueuePage queue = QueueFormPage.openNew(browser)
        .name(q)
        .visibilityTimeoutSeconds(45)
        .maxLength(1000)
        .save();
    assertEquals("queues/" + q, queue.path());
    assertEquals("Created queue " + q + ".", queue.notice());
    assertTrue(queue.attributes().contains("45 s"));

    queue = queue.send("{\"order\":42,\"items\":[\"apple\"]}", "type: order.created\nregion: eu");
    assertTrue(queue.notice().startsWith("Sent message "));
    assertEquals("1", queue.ready());
    assertTrue(queue.messages().contains("{\"order\":42,\"items\":[\"apple\"]}"));
    assertTrue(queue.messages().contains("region=eu"));
    queue.screenshot("queue");

    queue = queue.search("region");
    assertTrue(queue.messageCount().startsWith("1 matching"));
    queue = queue.search("no-such-text");
    assertTrue(queue.messageCount().startsWith("0 matching"));
    assertFalse(queue.showsMessages());

    MessagePage message = QueuePage.open(browser, q).openFirstMessage();
    assertTrue(message.body().contains("\"order\": 42"), "JSON is pretty-printed");
    assertTrue(message.headers().contains("order.created"));
    assertTrue(message.history().contains("Sent by admin"));
    assertEquals("0", message.receiveCount());
    message.screenshot("message");

    // Browsing and opening the message counted no delivery: the first receive is the first.
    Api admin = new Api(url).admin();
    JsonObject received = admin.post("queues/" + q + "/messages:receive", null).expect(200)
        .array().getJsonObject(0);
    assertEquals(1, received.getInt("receiveCount"));
  }

  @Test
  void queueForm_showsErrorsOnThePage_andChangesNothing() {
    loginAsAdmin(browser);
    String q = Api.unique("console");
    // The browser's own checks (min/max) would stop this form; the server must check it too.
    QueueFormPage form = QueueFormPage.openNew(browser)
        .withoutBrowserChecks()
        .name(q)
        .visibilityTimeoutSeconds(99999)
        .saveRefused();
    // Beside the field, in the form's own words (its label, not the API's member name).
    assertEquals("Visibility timeout (s) must be between 0 and 43200.",
        form.fieldError("visibility-error"));
    assertEquals("visibilityTimeoutSeconds", form.focusedName(), "the field with the error has the focus");
    assertEquals(q, form.typedName(), "the form keeps what was typed");
    new Api(url).admin().get("queues/" + q).expect(404);
  }

  @Test
  void purge_andDelete_sayWhatIsLost_beforeTheyAct() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("console");
    admin.put("queues/" + q, null).expect(201);
    for (int i = 0; i < 3; i++) {
      admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "m" + i).build()).expect(201);
    }
    ConfirmPage<QueuePage> purge = QueuePage.open(browser, q).purge();
    assertTrue(purge.consequence().contains("drops 3 messages"));
    purge.screenshot("purge-confirmation");
    QueuePage purged = purge.confirm();
    assertEquals("Purged 3 messages from " + q + ".", purged.notice());
    assertEquals("0", purged.ready());

    admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "left").build()).expect(201);
    ConfirmPage<QueuesPage> delete = QueuePage.open(browser, q).delete();
    assertTrue(delete.consequence().contains("1 pending messages are lost"));
    QueuesPage queues = delete.confirm();
    assertEquals("queues", queues.path());
    assertEquals("Deleted queue " + q + ".", queues.notice());
    admin.get("queues/" + q).expect(404);
  }

  @Test
  void deadLetteredMessages_areProposedForRedrive_andKeepAMarker() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String source = Api.unique("console");
    String dlq = source + "-dlq";
    admin.put("queues/" + dlq, null).expect(201);
    admin.put("queues/" + source, Json.createObjectBuilder().add("deadLetterQueue", dlq)
        .add("maxReceiveCount", 1).add("visibilityTimeoutSeconds", 0).build()).expect(201);
    admin.post("queues/" + source + "/messages", Json.createObjectBuilder().add("body", "poison").build()).expect(201);
    admin.post("queues/" + source + "/messages:receive", null).expect(200);
    assertEquals(0, admin.post("queues/" + source + "/messages:receive", null).expect(200).array().size());

    QueuePage deadLetters = QueuePage.open(browser, dlq);
    assertTrue(deadLetters.messages().contains("from " + source));
    assertTrue(deadLetters.redriveProposals().contains("1 messages came from " + source));
    deadLetters.screenshot("dead-letter-queue");
    assertEquals("Moved 1 messages back to " + source + ".", deadLetters.redrive().notice());

    QueuePage redriven = QueuePage.open(browser, source);
    assertTrue(redriven.messages().contains("redriven"));
    MessagePage message = redriven.openFirstMessage();
    String history = message.history();
    assertTrue(history.contains("Delivered to admin"), history);
    assertTrue(history.contains("Dead-lettered out of " + source), history);
    assertTrue(history.contains("Moved back from the dead-letter queue into " + source), history);
    message.screenshot("message-history");
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
    loginAs(browser, bob.username(), "password-" + bob.username());
    QueuesPage queues = QueuesPage.open(browser, prefix, "ready", "desc");
    assertEquals(List.of(prefix + "-a", prefix + "-b"), queues.names(), "bob does not see alice's private queue");
    assertTrue(queues.count().startsWith("2 of"));
    queues.screenshot("queues");
  }

  @Test
  void queueList_showsFiftyAPage_andThePagerKeepsTheFilterAndOrder() {
    Api admin = new Api(url).admin();
    String prefix = Api.unique("paged");
    for (int i = 0; i < 53; i++) {
      admin.put(String.format("queues/%s-%02d", prefix, i), null).expect(201);
    }
    loginAsAdmin(browser);
    QueuesPage queues = QueuesPage.open(browser, prefix, "name", "desc");
    assertEquals(50, queues.names().size());
    assertEquals(prefix + "-52", queues.names().get(0));
    assertTrue(queues.count().startsWith("53 of"));
    queues.nextPage();
    assertEquals(List.of(prefix + "-02", prefix + "-01", prefix + "-00"), queues.names());
    assertFalse(queues.hasNextPage());
  }

  @Test
  void aFormWithoutItsCsrfToken_isRefused_andChangesNothing() throws Exception {
    Cookie session = loginAsAdmin(browser).sessionCookie();
    assertTrue(session.isHttpOnly());
    assertEquals("Lax", session.getSameSite()); // links from elsewhere open logged in; POSTs need CSRF
    String q = Api.unique("csrf");
    HttpClient http = HttpClient.newHttpClient();
    for (String body : new String[] {"name=" + q, "name=" + q + "&_csrf=forged"}) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
              URI.create(consoleUrl(url) + "queues"))
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
    OverviewPage overview = loginAsAdmin(browser);
    String token = overview.sessionCookie().getValue();
    new Api(url).as(token).get("users/me").expect(200); // the console's session is an API session
    LoginPage login = overview.logout();
    assertEquals("login", login.path());
    assertEquals("You are logged out.", login.notice());
    new Api(url).as(token).get("users/me").expect(401);
    HttpResponse<String> old = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(consoleUrl(url) + "queues"))
        .header("Cookie", "quipu_session=" + token).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(303, old.statusCode());
  }

  @Test
  void unknownPagesAndQueues_showAnErrorPage_notJson() {
    loginAsAdmin(browser);
    ErrorPage missingQueue = ErrorPage.open(browser, "queues/" + Api.unique("missing"));
    assertTrue(missingQueue.problem().contains("does not exist"));
    ErrorPage missingPage = ErrorPage.open(browser, "no-such-page");
    assertEquals("There is no console page at this address.", missingPage.problem());
    assertTrue(missingPage.hasNavigation(), "a logged-in 404 keeps the navigation");
    missingPage.screenshot("error");
  }

  @Test
  void theSendForm_keepsTheApisLimits_andAnOddBodyStillShows() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("limits");
    admin.put("queues/" + q, null).expect(201);
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 65; i++) {
      headers.append("h").append(i).append(": v\n");
    }
    QueuePage queue = QueuePage.open(browser, q).pasteHeaders(headers.toString()).send("x");
    assertEquals("Headers must hold at most 64 headers.", queue.fieldError("send-headers-error"));
    assertEquals("x", queue.typedBody(), "the form keeps what was typed");
    assertEquals("0", queue.ready(), "nothing was sent");

    // A body nested deeper than the JSON parser allows is shown as it is, not as an error.
    String deep = "[".repeat(5000) + "]".repeat(5000);
    String id = admin.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", deep).build())
        .expect(201).object().getString("id");
    assertTrue(MessagePage.open(browser, q, id).body().startsWith("[[[["));
  }

  @Test
  void login_returnsToThePageAsked_evenASubscriptionsQueueWithAQuery() {
    Api admin = new Api(url).admin();
    String t = Api.unique("t");
    admin.put("topics/" + t, null).expect(201);
    admin.put("topics/" + t + "/subscriptions/s", null).expect(201);
    OverviewPage.open(browser); // on the console's site, so that its cookies can be deleted
    browser.driver().manage().deleteAllCookies();
    LoginPage login = QueuePage.openWithoutASession(browser, t + "/s", "abc");
    assertTrue(login.path().startsWith("login?next="), login.path());
    QueuePage queue = login.logInBackToQueue("admin", Api.ADMIN_PASSWORD);
    assertEquals("queues/" + t + "%2Fs?search=abc", queue.path());
    assertEquals(t + "/s", queue.title());
    assertEquals("abc", queue.searchText());
    assertFalse(queue.canDelete(), "a subscription's queue goes with its subscription");
    ErrorPage refused = ErrorPage.open(browser, "queues/" + t + "%2Fs/delete");
    assertTrue(refused.problem().contains("belongs to a subscription"));
  }

  @Test
  void aRefusedSend_keepsWhatWasTyped_andShowsTheErrorBesideTheField() {
    loginAsAdmin(browser);
    String q = Api.unique("typed");
    new Api(url).admin().put("queues/" + q, null).expect(201);
    QueuePage queue = QueuePage.open(browser, q).send("{\"keep\": true}", "region: eu\nno separator here");
    assertEquals("Each line of Headers needs the form 'name: value' (got 'no separator here').",
        queue.fieldError("send-headers-error"));
    assertEquals("{\"keep\": true}", queue.typedBody());
    assertEquals("region: eu\nno separator here", queue.typedHeaders());
    assertEquals("send-headers", queue.focusedId(), "the field with the error has the focus");
    assertTrue(queue.inView("send-headers-error"), "the error is on screen, not at the top");
    assertEquals("0", queue.ready(), "nothing was sent");
  }

  @Test
  void queueForm_offersDeadLetterQueuesToPick_andSpeaksTheFormsWords() {
    Api alice = new Api(url).newUser("alice");
    String hidden = Api.unique("alices-private");
    alice.put("queues/" + hidden, Json.createObjectBuilder().add("shared", false).build()).expect(201);
    Api bob = new Api(url).newUser("bob");
    String dlq = Api.unique("bobs-dlq");
    bob.put("queues/" + dlq, null).expect(201);
    loginAs(browser, bob.username(), "password-" + bob.username());

    String q = Api.unique("picked");
    QueueFormPage form = QueueFormPage.openNew(browser).withoutBrowserChecks().name(q);
    assertEquals("none", form.deadLetterChoices().get(0));
    assertTrue(form.deadLetterChoices().contains(dlq));
    assertFalse(form.deadLetterChoices().contains(hidden), "only queues bob may send to");

    // A refusal of the state machine, also in the form's words and beside its field.
    form = form.maxReceiveCountOnly(3).saveRefused();
    String error = form.fieldError("dead-letter-error");
    assertEquals("Dead-letter queue and Max receive count must be set together.", error);

    QueuePage queue = form.deadLetterQueue(dlq, 3).save();
    assertTrue(queue.attributes().contains(dlq + " after 3 deliveries"), queue.attributes());
  }

  @Test
  void deletingADeadLetterQueue_isNotOffered_andSaysWhichQueuesPointAtIt() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String dlq = Api.unique("dlq");
    admin.put("queues/" + dlq, null).expect(201);
    String source = Api.unique("source");
    admin.put("queues/" + source, Json.createObjectBuilder().add("deadLetterQueue", dlq)
        .add("maxReceiveCount", 2).build()).expect(201);
    ConfirmPage<QueuesPage> delete = QueuePage.open(browser, dlq).delete();
    assertTrue(delete.refusal().contains("it is the dead-letter queue of '" + source + "'"), delete.refusal());
    assertFalse(delete.offersToConfirm());
    delete.screenshot("delete-dead-letter-queue");
    admin.get("queues/" + dlq).expect(200);

    // A queue that starts pointing at it after the page was shown: the state machine refuses the
    // delete (409) and the console says why, in the form's words.
    String late = Api.unique("late-dlq");
    admin.put("queues/" + late, null).expect(201);
    ConfirmPage<QueuePage> confirm = QueuePage.open(browser, late).deleteRefusedLater();
    assertTrue(confirm.offersToConfirm(), "nothing points at it yet");
    String pointing = Api.unique("pointing");
    admin.put("queues/" + pointing, Json.createObjectBuilder().add("deadLetterQueue", late)
        .add("maxReceiveCount", 2).build()).expect(201);
    QueuePage refused = confirm.confirm();
    assertEquals("Queue '" + late + "' is the dead-letter queue of '" + pointing
        + "'; change their Dead-letter queue first.", refused.error());
    admin.get("queues/" + late).expect(200);
  }

  @Test
  void browse_pagesThroughAllMessages_andASearchLandsOnItsResults() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String q = Api.unique("browse");
    admin.put("queues/" + q, null).expect(201);
    var batch = Json.createArrayBuilder();
    for (int i = 0; i < 53; i++) {
      batch.add(Json.createObjectBuilder().add("body", String.format("m%02d", i)));
    }
    admin.post("queues/" + q + "/messages:batch", Json.createObjectBuilder().add("messages", batch).build()).expect(201);
    QueuePage queue = QueuePage.open(browser, q);
    assertEquals("53 messages, showing 1–50", queue.messageCount());
    queue = queue.nextMessages();
    assertEquals(List.of("m50", "m51", "m52"), queue.messagePreviews());
    assertTrue(queue.inView("messages-section"), "the next page opens at the messages");

    queue = QueuePage.open(browser, q).search("m07");
    assertEquals("1 matching", queue.messageCount());
    assertTrue(queue.scrolled() > 0 && queue.inView("messages-section"), "the search lands on its results");
  }

  @Test
  void headerSearch_acceptsTheFormTheTableShows() {
    loginAsAdmin(browser);
    String q = Api.unique("headers");
    new Api(url).admin().put("queues/" + q, null).expect(201);
    QueuePage queue = QueuePage.open(browser, q).send("a", "region: eu");
    QueuePage.open(browser, q).send("b", "region: us");
    assertTrue(queue.messages().contains("region=eu"), "the table shows name=value");
    assertEquals("1 matching", QueuePage.open(browser, q).search("region=eu").messageCount());
    assertEquals("1 matching", QueuePage.open(browser, q).search("region: eu").messageCount());
    assertEquals("2 matching", QueuePage.open(browser, q).search("region").messageCount());
  }

  @Test
  void numericColumns_sortLargestFirst_onTheFirstClick() {
    Api admin = new Api(url).admin();
    String prefix = Api.unique("busy");
    admin.put("queues/" + prefix + "-quiet", null).expect(201);
    admin.put("queues/" + prefix + "-busy", null).expect(201);
    for (int i = 0; i < 2; i++) {
      admin.post("queues/" + prefix + "-busy/messages", Json.createObjectBuilder().add("body", "x").build()).expect(201);
    }
    loginAsAdmin(browser);
    QueuesPage queues = QueuesPage.open(browser, prefix).sortBy("Ready");
    assertTrue(queues.path().contains("sort=ready&dir=desc"), queues.path());
    assertEquals(List.of(prefix + "-busy", prefix + "-quiet"), queues.names());
    queues = queues.sortBy("Name");
    assertTrue(queues.path().contains("sort=name&dir=asc"), queues.path());
  }

  @Test
  void rateCharts_fillForIdleQueues_andCountDeadLetteringAndRedrive() {
    loginAsAdmin(browser);
    Api admin = new Api(url).admin();
    String idle = Api.unique("idle");
    admin.put("queues/" + idle, null).expect(201);
    assertEquals("Now: 0 published, 0 delivered, 0 acked per second.", QueuePage.open(browser, idle).ratesNow());

    String source = Api.unique("rated");
    String dlq = source + "-dlq";
    admin.put("queues/" + dlq, null).expect(201);
    admin.put("queues/" + source, Json.createObjectBuilder().add("deadLetterQueue", dlq)
        .add("maxReceiveCount", 1).add("visibilityTimeoutSeconds", 0).build()).expect(201);
    admin.post("queues/" + source + "/messages", Json.createObjectBuilder().add("body", "poison").build()).expect(201);
    admin.post("queues/" + source + "/messages:receive", null).expect(200);
    admin.post("queues/" + source + "/messages:receive", null).expect(200); // dead-letters it
    within15Seconds(() -> sum(QueuePage.open(browser, dlq).ratesJson(), "in") > 0);

    admin.post("queues/" + dlq + "/messages:redrive", null).expect(200);
    within15Seconds(() -> sum(QueuePage.open(browser, dlq).ratesJson(), "out") > 0);
  }

  /** The sum of one series of a rates document (messages per second over its samples). */
  private static double sum(String ratesJson, String series) {
    return Json.createReader(new java.io.StringReader(ratesJson)).readObject().getJsonArray(series)
        .getValuesAs(jakarta.json.JsonNumber.class).stream().mapToDouble(jakarta.json.JsonNumber::doubleValue).sum();
  }

  private static void within15Seconds(java.util.function.BooleanSupplier condition) {
    new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), java.time.Duration.ofSeconds(15))
        .pollingEvery(java.time.Duration.ofSeconds(2))
        .until(d -> condition.getAsBoolean());
  }
}
