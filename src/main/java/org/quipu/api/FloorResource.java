package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.quipu.node.Node;

/**
 * {@code POST /_floor}: the benchmark's floor. It takes the same request as a send — a bearer
 * token, a JSON message read by the strict parser and validated — and answers like one, but
 * proposes nothing, so {@code ./quipu bench} can print every figure as a ratio to what this stack
 * costs without Quipu's write path. Off unless {@code QUIPU_BENCH_FLOOR=true} (then 404), and not
 * part of the API's contract.
 */
@Path("_floor")
@ApplicationScoped
public class FloorResource {

  public record Accepted(String id, long seq) {}

  @Inject Node node;

  @Inject
  @ConfigProperty(name = "quipu.bench.floor", defaultValue = "false")
  boolean enabled;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response accept(QueueRequests.Send message) {
    if (!enabled) {
      throw new NotFoundException();
    }
    return Response.status(201).entity(new Accepted("floor", node.state().appliedSeq())).build();
  }
}
