package org.quipu.browser;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quipu.it.QuipuDeployment;

/**
 * The console's behaviours in headless Chromium against one node, which Arquillian deploys once
 * for all of them (one class per behaviour started Payara Micro three times). Each behaviour is a
 * {@code @Nested} class with a browser of its own, so a report names the behaviour and the test
 * ({@code ConsoleBrowserIT$Queues.purge_andDelete_sayWhatIsLost_beforeTheyAct}), and one runs
 * alone with {@code -Dit.test='ConsoleBrowserIT$Admin'}.
 *
 * <p>Sharing the node shares only its memory (the database was shared already): every test makes
 * its own queues, topics and users ({@code Api.unique}), totals are asserted as at least what a
 * test added, rates per queue of the test's own, and the admin, the one account every behaviour
 * logs in as, is never disabled or demoted (one wrong-password login in all, well under its
 * burst of 10 failed logins).
 */
@ExtendWith(ArquillianExtension.class)
class ConsoleBrowserIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

  @Nested
  class Queues extends QueuesConsoleBehaviour {}

  @Nested
  class Admin extends AdminConsoleBehaviour {}

  @Nested
  class Accessibility extends AccessibilityBehaviour {}
}
