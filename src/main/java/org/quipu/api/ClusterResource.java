package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.quipu.node.ClusterView;
import org.quipu.node.Node;

/** {@code /cluster}: the membership view and the state digest. */
@Path("cluster")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

  @Inject Node node;

  public record DigestBody(String node, long appliedSeq, String digest) {}

  @GET
  public ClusterView cluster() {
    return node.cluster();
  }

  @GET
  @Path("digest")
  public DigestBody digest() {
    // Read the seq and the digest under one lock so they describe the same state.
    return node.state().read(b -> new DigestBody(node.id(), node.state().appliedSeq(), b.digest()));
  }
}
