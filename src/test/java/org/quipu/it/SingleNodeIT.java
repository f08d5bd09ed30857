package org.quipu.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API's behaviours against one node: the packaged WAR, which Arquillian deploys once for all
 * of them (a Payara Micro start costs 20 to 50 s on the two-core CI machine; one class per
 * behaviour paid it seven times). Each behaviour is a {@code @Nested} class, so a report names the
 * behaviour and the test ({@code SingleNodeIT$Queues.list_withoutLimit_answersPagesOf100}), and
 * one behaviour runs alone with {@code -Dit.test='SingleNodeIT$Queues'} (the node is still
 * deployed first). The nested classes find the node through {@link DeployedNode}.
 *
 * <p>What one node instead of seven changes is only the node's memory: the database was shared
 * by every class already, and in their {@code *ClusterIT} form the behaviours share one cluster
 * too. Each test registers its own users and names its own queues and topics ({@link
 * Api#unique}), so the node's per-name login and registration limits ({@code AttemptLimits})
 * never carry over from one test to another. The names tests do share are the first admin's,
 * whose logins all succeed (a successful login gives its attempt back) and which no test
 * disables, demotes or deletes, and {@code admin} and {@code me} registered once or twice as
 * refused names, well under a name's burst of 10. Nothing else the node keeps in memory (caches,
 * long polls, rates) is asserted on across tests.
 */
@ExtendWith(ArquillianExtension.class)
class SingleNodeIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

  @Nested
  class Queues extends QueuesBehaviour {
    @Override
    protected URL url() {
      return DeployedNode.url();
    }
  }

  @Nested
  class Messages extends MessagesBehaviour {
    @Override
    protected URL url() {
      return DeployedNode.url();
    }
  }

  @Nested
  class Topics extends TopicsBehaviour {
    @Override
    protected URL url() {
      return DeployedNode.url();
    }
  }

  @Nested
  class UsersAndSessions extends UsersAndSessionsBehaviour {
    @Override
    protected URL url() {
      return DeployedNode.url();
    }
  }

  @Nested
  class Idempotency extends IdempotencyBehaviour {
    @Override
    protected URL url() {
      return DeployedNode.url();
    }
  }

  @Nested
  class StrictInput extends StrictInputBehaviour {
    @Override
    protected URL url() {
      return DeployedNode.url();
    }
  }

  @Nested
  class Security extends SecurityBehaviour {
    @Override
    protected URL url() {
      return DeployedNode.url();
    }
  }
}
