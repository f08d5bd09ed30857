package org.quipu.browser.pages;

import org.openqa.selenium.JavascriptExecutor;
import org.quipu.browser.Browser;

/** The form that creates a queue or edits its attributes. */
public final class QueueFormPage extends ConsolePage {

  public QueueFormPage(Browser browser) {
    super(browser);
  }

  /** Opens the form for a new queue. */
  public static QueueFormPage openNew(Browser browser) {
    browser.open("queues/_new");
    return new QueueFormPage(browser);
  }

  /** Turns off the browser's own checks (min, max, pattern), so only the server checks the form. */
  public QueueFormPage withoutBrowserChecks() {
    ((JavascriptExecutor) browser.driver())
        .executeScript("document.getElementById('queue-form').noValidate = true");
    return this;
  }

  public QueueFormPage name(String name) {
    browser.type("#queue-name", name);
    return this;
  }

  public QueueFormPage visibilityTimeoutSeconds(int seconds) {
    browser.type("input[name=visibilityTimeoutSeconds]", String.valueOf(seconds));
    return this;
  }

  public QueueFormPage maxLength(int messages) {
    browser.type("input[name=maxLength]", String.valueOf(messages));
    return this;
  }

  /** Saves the form and opens the queue it created or changed. */
  public QueuePage save() {
    browser.submit("#save-queue");
    return new QueuePage(browser);
  }

  /** Saves a form the server refuses; the form comes back with its errors. */
  public QueueFormPage saveRefused() {
    browser.submit("#save-queue");
    return this;
  }

  /** Sets a max receive count without a dead-letter queue (which the state machine refuses). */
  public QueueFormPage maxReceiveCountOnly(int maxReceiveCount) {
    browser.type("#max-receive-count", String.valueOf(maxReceiveCount));
    return this;
  }

  /** The dead-letter queues the form offers to pick from ("none" first). */
  public java.util.List<String> deadLetterChoices() {
    return browser.texts("#dead-letter-queue option");
  }

  public QueueFormPage deadLetterQueue(String queue, int maxReceiveCount) {
    new org.openqa.selenium.support.ui.Select(browser.find("#dead-letter-queue")).selectByValue(queue);
    browser.type("#max-receive-count", String.valueOf(maxReceiveCount));
    return this;
  }

  /** What the name field holds. */
  public String typedName() {
    return browser.find("#queue-name").getAttribute("value");
  }
}
