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

  /**
   * Named {@code ROOT.war} so that Payara Micro deploys it at the root context, as {@code ./quipu
   * up} does ({@code --contextroot /}): Payara's own {@code /health}, {@code /metrics} and {@code
   * /openapi} then live in Quipu's web module, and its filters guard them in tests as in production.
   */
  public static WebArchive war() {
    String path = System.getProperty("quipu.war", "target/quipu.war");
    return ShrinkWrap.create(WebArchive.class, "ROOT.war")
        .merge(ShrinkWrap.createFromZipFile(WebArchive.class, new File(path)));
  }
}
