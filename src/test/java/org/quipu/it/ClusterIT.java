package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /cluster} and {@code /cluster/digest}: the document the console's overview renders. */
@ExtendWith(ArquillianExtension.class)
class ClusterIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return QuipuDeployment.war();
  }

  @ArquillianResource URL url;

  @Test
  void cluster_describesEveryNode_withRoleStateEpochAndProgress() {
    Api user = new Api(url).newUser("cluster");
    Api.Reply reply = user.get("cluster").expect(200);
    JsonObject cluster = reply.object();
    JsonObject node = cluster.getJsonArray("nodes").getJsonObject(0);
    assertEquals(1, cluster.getJsonArray("nodes").size(), "one node until the cluster issue");
    assertEquals(reply.header("X-Quipu-Node"), node.getString("id"));
    assertEquals(node.getString("id"), cluster.getString("leader"));
    assertEquals("leader", node.getString("role"));
    assertEquals("ready", node.getString("state"));
    assertEquals(cluster.getJsonNumber("epoch").longValue(), node.getJsonNumber("epoch").longValue());
    assertTrue(node.getJsonNumber("appliedSeq").longValue() >= 1, "registering the user was applied");
    assertEquals(0, node.getJsonNumber("lag").longValue());
    assertTrue(cluster.getJsonNumber("commitSeq").longValue() >= node.getJsonNumber("appliedSeq").longValue());
  }

  @Test
  void digest_isAChecksumOfTheStateAtTheAppliedSeq_andNeedsAToken() {
    Api user = new Api(url).newUser("cluster");
    JsonObject digest = user.get("cluster/digest").expect(200).object();
    assertTrue(digest.getString("digest").matches("[0-9a-f]{64}"));
    assertTrue(digest.getJsonNumber("appliedSeq").longValue() >= 1);
    new Api(url).get("cluster").problem(401);
  }
}
