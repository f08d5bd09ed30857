package org.quipu.node;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the state is restored and the store accepts writes. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  @Inject Node node;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("quipu-node")
        .status(node.writes() != null && node.writes().serving())
        .withData("node", node.id())
        .withData("appliedSeq", node.state().appliedSeq())
        .build();
  }
}
