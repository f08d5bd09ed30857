package org.quipu.browser.pages;

import java.nio.file.Path;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.quipu.browser.Browser;

/** What the layout gives every console page: flashes, the current user, logout, theme, navigation. */
public abstract class ConsolePage {

  /** Screenshots of every page land here; the README shows copies from docs/console/. */
  private static final Path SCREENSHOTS =
      Path.of(System.getProperty("quipu.screenshots", "target/console-screenshots"));

  protected final Browser browser;

  protected ConsolePage(Browser browser) {
    this.browser = browser;
  }

  /** The address below {@code /console/}, with its query. */
  public String path() {
    return browser.path();
  }

  /** The notice flash after a successful action. */
  public String notice() {
    return browser.text("#notice");
  }

  /** The error flash after a refused action. */
  public String error() {
    return browser.text("#error");
  }

  /** The name and role shown in the header. */
  public String currentUser() {
    return browser.text("#current-user");
  }

  /** The text of the main navigation. */
  public String navigation() {
    return browser.text("header nav");
  }

  public LoginPage logout() {
    browser.submit("#logout");
    return new LoginPage(browser);
  }

  /** Switches the theme, auto → dark → light → auto, without loading a page. */
  public void toggleTheme() {
    browser.find("[data-theme-toggle]").click();
  }

  /** The theme the page shows: {@code auto} (the system's), {@code dark} or {@code light}. */
  public String theme() {
    return browser.find("html").getAttribute("data-theme");
  }

  /** The console's session cookie, as the browser holds it. */
  public Cookie sessionCookie() {
    return browser.driver().manage().getCookieNamed("quipu_session");
  }

  /** How many pixels the page is wider than the window (at most 0 when nothing scrolls sideways). */
  public int sidewaysOverflow() {
    Number overflow = (Number) ((JavascriptExecutor) browser.driver())
        .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
    return overflow.intValue();
  }

  /** Saves a PNG of the whole page as {@code name.png} among the console's screenshots. */
  public void screenshot(String name) {
    browser.screenshot(SCREENSHOTS, name);
  }
}
