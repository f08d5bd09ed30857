package org.quipu.it;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.container.spi.event.container.BeforeUnDeploy;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Where the node Arquillian has deployed answers, for the {@code @Nested} classes of {@link
 * SingleNodeIT} and {@code org.quipu.browser.ConsoleBrowserIT}. Arquillian 1.9.5 cannot inject
 * them: it gives a nested class a class context of its own, without the enclosing class's
 * deployment, so an {@code @ArquillianResource URL} there finds nothing (arquillian-core issue
 * 773; fixed after 1.9.5 by pull request 841, unreleased as of this writing). With a release that
 * has the fix, the nested classes can take the URL from {@code @ArquillianResource} again and this
 * class can go.
 *
 * <p>An Arquillian extension (registered in {@code META-INF/services}): it notes the node's root
 * address once a deployment is up ({@link AfterDeploy}, fired inside its deployment context) and
 * forgets it before the deployment goes ({@link BeforeUnDeploy}). The WAR is {@code ROOT.war}
 * ({@link QuipuDeployment}), so the address is the host and port alone. One deployment at a time:
 * the integration tests run one class after another in one JVM, and each class's deployment is
 * undeployed (its Payara Micro stopped) before the next class deploys its own.
 */
public final class DeployedNode implements LoadableExtension {

  private static volatile URL current;

  /**
   * The deployed node's root address ({@code http://host:port/}), as {@code @ArquillianResource
   * URL} gives it; fails when no deployment is up (a test not run inside a class that deploys).
   */
  public static URL url() {
    URL url = current;
    if (url == null) {
      throw new IllegalStateException("no node deployed: run this test through the Arquillian "
          + "class that encloses it (its @Deployment)");
    }
    return url;
  }

  @Override
  public void register(ExtensionBuilder builder) {
    builder.observer(Recorder.class);
  }

  /** Observes Arquillian's deployments; public for Arquillian's injection. */
  public static final class Recorder {

    @Inject private Instance<ProtocolMetaData> metaData;

    public void deployed(@Observes AfterDeploy event)
        throws URISyntaxException, MalformedURLException {
      current = null;
      ProtocolMetaData protocol = metaData.get();
      if (protocol == null || !protocol.hasContext(HTTPContext.class)) {
        return; // not a deployment over HTTP
      }
      HTTPContext http = protocol.getContexts(HTTPContext.class).iterator().next();
      current = new URI("http", null, http.getHost(), http.getPort(), "/", null, null).toURL();
    }

    public void undeploying(@Observes BeforeUnDeploy event) {
      current = null;
    }
  }
}
