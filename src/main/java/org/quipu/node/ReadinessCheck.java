package org.quipu.node;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the state is restored and the node either leads and serves, or follows under a read
 * lease from the leader and has caught up. A raised memory alarm is shown
 * but leaves the node ready: it still serves receives and acks, which are what clear it.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  @Inject Node node;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("quipu-node")
        .status(node.writes() != null && node.writes().ready())
        .withData("node", node.id())
        .withData("appliedSeq", node.state().appliedSeq())
        .withData("memoryAlarm", node.memoryAlarm() != null && node.memoryAlarm().raised())
        .withData("heapUsedAfterGcPercent", node.memoryAlarm() == null ? 0
            : Math.round(node.memoryAlarm().usedAfterGc() * 100))
        .build();
  }
}
