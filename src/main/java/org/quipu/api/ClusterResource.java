package org.quipu.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.quipu.node.Node;

/**
 * {@code /cluster}: the membership view and the state digest. Until the cluster issue lands the
 * cluster is this one node, which leads epoch 1.
 */
@Path("cluster")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

  @Inject Node node;

  public record NodeBody(String id, String address, String role, String state, long appliedSeq, long lag) {}

  public record ClusterBody(List<NodeBody> nodes, String leader, long epoch, long commitSeq) {}

  public record DigestBody(String node, long appliedSeq, String digest) {}

  @GET
  public ClusterBody cluster() {
    long applied = node.state().appliedSeq();
    String state = node.committer().serving() ? "ready" : "recovering";
    var self = new NodeBody(node.id(), node.address(), "leader", state, applied, 0);
    return new ClusterBody(List.of(self), node.id(), node.epoch(), applied);
  }

  @GET
  @Path("digest")
  public DigestBody digest() {
    // Read the seq and the digest under one lock so they describe the same state.
    return node.state().read(b -> new DigestBody(node.id(), node.state().appliedSeq(), b.digest()));
  }
}
