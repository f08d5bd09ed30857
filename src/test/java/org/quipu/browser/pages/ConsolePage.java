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

  /** The theme button's text, which names the theme that is on (its accessible name). */
  public String themeButton() {
    return browser.find("[data-theme-toggle]").getAccessibleName();
  }

  /** Whether the layout's main navigation is shown (it is for anyone logged in). */
  public boolean hasNavigation() {
    return browser.present("header nav");
  }

  /** The message shown beside a field, by the id the field's aria-describedby names. */
  public String fieldError(String id) {
    return browser.text("#" + id);
  }

  /** The name of the form field that has the keyboard focus. */
  public String focusedName() {
    return browser.driver().switchTo().activeElement().getAttribute("name");
  }

  /** The id of the element that has the keyboard focus ("" for none). */
  public String focusedId() {
    return browser.driver().switchTo().activeElement().getAttribute("id");
  }

  /** How many pixels the widest table is wider than its frame (it scrolls inside it when > 0). */
  public int tableOverflow() {
    Number overflow = (Number) ((JavascriptExecutor) browser.driver()).executeScript(
        "var most = 0; document.querySelectorAll('.table-wrap').forEach(function (w) {"
        + " most = Math.max(most, w.scrollWidth - w.clientWidth); }); return most;");
    return overflow.intValue();
  }

  /** The widths of the widest table's first-row cells, and of their widest child, for a failure message. */
  public String tableCellWidths() {
    return String.valueOf(((JavascriptExecutor) browser.driver()).executeScript(
        "var out = [];"
        + "document.querySelectorAll('.table-wrap').forEach(function (w) {"
        + "  if (w.scrollWidth <= w.clientWidth) return;"
        + "  var row = w.querySelector('tbody tr'); if (!row) return;"
        + "  row.querySelectorAll('td').forEach(function (td) {"
        + "    if (td.offsetWidth === 0) return;"
        + "    var kids = Array.from(td.querySelectorAll('*')).map(function (k) {"
        + "      return k.tagName.toLowerCase() + '.' + k.className + '=' + Math.round(k.getBoundingClientRect().width); });"
        + "    out.push(td.className + ':' + td.offsetWidth + ' [' + kids.join(' ') + ']'); });"
        + "});"
        + "return out.join('; ');"));
  }

  /**
   * The elements wider than the window at the right edge, as {@code tag#id.class}, widest
   * first: what makes a page scroll sideways.
   */
  public String overflowingElements() {
    return String.valueOf(((JavascriptExecutor) browser.driver()).executeScript(
        "var w = window.innerWidth, out = [];"
        + "document.querySelectorAll('body *').forEach(function (e) {"
        + "  var r = e.getBoundingClientRect();"
        + "  if (r.right > w + 1 && !e.closest('.table-wrap')) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
        + "    + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' ' + Math.round(r.right));"
        + "});"
        + "return out.slice(0, 8).join(', ');"));
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
