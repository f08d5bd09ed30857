package org.quipu.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import jakarta.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.quipu.browser.pages.LoginPage;
import org.quipu.it.Api;

/**
 * Every console page, in the light and the dark theme, checked with Deque's axe-core against
 * WCAG 2.1 A and AA (labels, contrast, landmarks, names of controls), and the keyboard's first
 * stop being the skip link.
 */
abstract class AccessibilityBehaviour extends ConsoleBrowserTest {

  private static final List<String> WCAG = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

  @Test
  void everyPage_inBothThemes_hasNoWcagViolations() {
    Api admin = new Api(url).admin();
    String q = Api.unique("a11y");
    String dlq = q + "-dlq";
    admin.put("queues/" + dlq, null).expect(201);
    admin.put("queues/" + q, Json.createObjectBuilder().add("deadLetterQueue", dlq)
        .add("maxReceiveCount", 1).add("visibilityTimeoutSeconds", 0).build()).expect(201);
    String id = admin.post("queues/" + q + "/messages", Json.createObjectBuilder()
        .add("body", "{\"order\":1}").add("headers", Json.createObjectBuilder().add("type", "t")).build())
        .expect(201).object().getString("id");
    String t = Api.unique("t");
    admin.put("topics/" + t, null).expect(201);
    admin.put("topics/" + t + "/subscriptions/s", null).expect(201);

    LoginPage login = LoginPage.openForgettingTheSession(browser);
    List<String> problems = new ArrayList<>(check("login"));
    login.logIn("admin", Api.ADMIN_PASSWORD);
    List<String> pages = List.of("", "queues", "queues/_new", "queues/" + q,
        "queues/" + q + "/messages/" + id, "queues/" + q + "/purge", "queues/" + q + "/edit",
        "topics", "topics/" + t, "topics/" + t + "/delete", "topics/" + t + "/subscriptions/s/delete", "users", "sessions", "no-such-page");
    for (String theme : List.of("light", "dark")) {
      // The theme button's own cookie, set the way console.js sets it.
      ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
          "document.cookie = 'quipu_theme=' + arguments[0] + '; path=/; SameSite=Strict';", theme);
      for (String page : pages) {
        browser.open(page);
        assertEquals(theme, browser.find("html").getAttribute("data-theme"));
        problems.addAll(check(page + " (" + theme + ")"));
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theFirstTab_reachesTheSkipLink() {
    browser.open("login");
    new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
    assertEquals("Skip to content",
        browser.driver().switchTo().activeElement().getText());
    assertTrue(browser.present("main#main"));
  }

  private List<String> check(String page) {
    Results results = new AxeBuilder().withTags(WCAG).analyze(browser.driver());
    List<String> problems = new ArrayList<>();
    for (Rule violation : results.getViolations()) {
      problems.add(page + ": " + violation.getId() + " — " + violation.getHelp() + " at "
          + violation.getNodes().get(0).getTarget());
    }
    return problems;
  }
}
