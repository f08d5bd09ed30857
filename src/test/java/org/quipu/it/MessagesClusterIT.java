package org.quipu.it;

import java.net.URL;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quipu.fault.SharedCluster;

/**
 * {@link MessagesBehaviour} black-box through NGINX against the run's three-node cluster ({@link
 * SharedCluster}): any request may land on a follower.
 */
@ExtendWith(SharedCluster.class)
class MessagesClusterIT extends MessagesBehaviour {

  private final URL nginx;

  MessagesClusterIT(URL nginx) {
    this.nginx = nginx;
  }

  @Override
  protected URL url() {
    return nginx;
  }
}
