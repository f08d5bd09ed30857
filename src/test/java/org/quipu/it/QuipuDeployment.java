package org.quipu.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The one deployment every integration test uses: the WAR the build just packaged, exactly as
 * {@code ./quipu up} runs it. The database comes from {@code QUIPU_DB_*} (set by {@code ./quipu
 * test}); tests share it, so each test names its own users and queues uniquely.
 */
public final class QuipuDeployment {

  private QuipuDeployment() {}

  public static WebArchive war() {
    String path = System.getProperty("quipu.war", "target/quipu.war");
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(path));
  }

  /**
   * The same WAR at the context root, as {@code ./quipu up} deploys it ({@code --contextroot /}):
   * Payara Micro deploys {@code ROOT.war} at {@code /}. Only there do Payara's {@code /health},
   * {@code /metrics} and {@code /openapi} pass through the WAR's servlet filters.
   */
  public static WebArchive atRoot() {
    return ShrinkWrap.create(WebArchive.class, "ROOT.war").merge(war());
  }
}
