package org.quipu.browser.pages;

import org.quipu.browser.Browser;

/** The admin's list of live sessions, console and API alike, each revocable. */
public final class SessionsPage extends ConsolePage {

  public SessionsPage(Browser browser) {
    super(browser);
  }

  public static SessionsPage open(Browser browser) {
    browser.open("sessions");
    return new SessionsPage(browser);
  }

  /** Whether the session of this browser is marked as such. */
  public boolean marksTheCurrentSession() {
    return browser.present("#current-session");
  }

  public boolean lists(String sessionId) {
    return browser.present(row(sessionId));
  }

  /** Asks to revoke a session: a page says whose it is and what happens first. */
  public ConfirmPage<SessionsPage> revoke(String sessionId) {
    browser.submit(row(sessionId) + " .revoke-session");
    return new ConfirmPage<>(browser, SessionsPage::new);
  }

  private static String row(String sessionId) {
    return "#sessions tr[data-session='" + sessionId + "']";
  }
}
