package org.quipu.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link StrictInputBehaviour} against one node, the packaged WAR that Arquillian deploys. */
@ExtendWith(ArquillianExtension.class)
class StrictInputIT extends StrictInputBehaviour {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

  @ArquillianResource URL url;

  @Override
  protected URL url() {
    return url;
  }
}
