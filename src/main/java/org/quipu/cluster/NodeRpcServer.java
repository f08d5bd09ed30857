package org.quipu.cluster;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.ReplicaEndpoint;

/**
 * The node's gRPC server for its peers, on its own port (QUIPU_GRPC_ADDRESS), every service behind
 * the cluster secret: {@code quipu.replication.v1.Replication} ({@link ReplicationService}), which
 * answers Status from a {@link NodeStatus.Source}, NewEpoch, Replicate, Contact, Fetch and
 * InstallSnapshot through a {@link ReplicaEndpoint}, and Forward through a {@link ForwardTarget}.
 *
 * <p>With {@link NodeTls mutual TLS} it takes only connections whose client certificate the
 * cluster's CA signed, and a call goes on only with its caller's identity ({@link PeerIdentity})
 * beside the secret: each is a check of its own, both cheap.
 */
public final class NodeRpcServer implements AutoCloseable {

  /**
   * The largest message a node takes from a peer: above one log entry at the API's limits (a batch
   * of 100 bodies of 256 KiB, escaped, is about 34 MiB), far above one append (about 4 MiB of
   * entries, see the replicator), and above what a forward carries. gRPC's default is 4 MiB.
   */
  public static final int MAX_MESSAGE_BYTES = 64 << 20;

  private static final Logger LOG = Logger.getLogger(NodeRpcServer.class.getName());

  private final Server server;
  private final ReplicationService service;

  private NodeRpcServer(Server server, ReplicationService service) {
    this.server = server;
    this.service = service;
  }

  /**
   * Starts serving on {@code hostPort} ("host:port"; port 0: any free port, see {@link #port}).
   * {@code endpoint} and {@code forwards} are called from gRPC's threads, several at once.
   *
   * @param forwards takes the commands that followers forward (this node's write path); it
   *     refuses them with {@link org.quipu.replication.NotCommittedException} while this node
   *     cannot commit
   * @throws IllegalArgumentException when {@code hostPort} is not host:port
   * @throws IOException when the port cannot be bound
   */
  public static NodeRpcServer start(String hostPort, ClusterSecret secret, NodeTls tls,
      ClusterPaths group, NodeStatus.Source status, ReplicaEndpoint endpoint,
      ForwardTarget forwards) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    int port;
    try {
      port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("a gRPC address is host:port, not " + hostPort);
    }
    InetSocketAddress address = new InetSocketAddress(hostPort.substring(0, colon), port);
    ReplicationService service = new ReplicationService(group, tls.enabled(), status, endpoint,
        forwards);
    // The last interceptor listed runs first: the caller's identity, then the secret.
    ServerServiceDefinition guarded = tls.enabled()
        ? ServerInterceptors.intercept(service, secret.guard(), PeerIdentity.fromCertificate())
        : ServerInterceptors.intercept(service, secret.guard());
    Server server = tls.serve(NettyServerBuilder.forAddress(address))
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .addService(guarded)
        .build()
        .start();
    LOG.info("node-to-node gRPC on " + address.getHostString() + ":" + server.getPort()
        + (tls.enabled() ? ", mutual TLS with " + tls.provider() : ", plaintext"));
    return new NodeRpcServer(server, service);
  }

  public int port() {
    return server.getPort();
  }

  /**
   * Stops taking calls, ends the open Replicate streams (which would otherwise last as long as
   * their leader), gives running calls five seconds, then cancels them.
   */
  @Override
  public void close() {
    server.shutdown();
    service.stopStreams();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
