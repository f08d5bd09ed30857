package org.quipu.cluster;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * How a node's gRPC traffic with the other nodes is carried: in plaintext ({@link #plaintext}),
 * or over mutual TLS with a certificate that the cluster's CA signed for this node ({@link
 * #fromPem}). The one place that builds a channel to another node ({@link #channel}) and sets a
 * node's server up ({@link #serve}); its SSL contexts are built once, when it is made, and shared
 * by every channel.
 *
 * <p>With TLS, both sides prove who they are. The server requires a client certificate from the
 * cluster's CA, and the node id a caller may claim is a DNS name in that certificate's
 * subjectAltName ({@link PeerIdentity}). The client trusts only the cluster's CA and checks that
 * the server's certificate names the member it means to reach ({@code DNS:node-N}): the channel's
 * authority is the member's id, so gRPC's hostname verification checks that name, not the host
 * of its address. A node's own certificate must name its own id, or the node does not start.
 *
 * <p>The SSL provider is Netty's default: BoringSSL from grpc-netty-shaded's netty-tcnative where
 * it loads (Linux and macOS, x86_64 and aarch64), else the JDK's; {@link #provider} says which.
 */
public final class NodeTls {

  private static final NodeTls PLAINTEXT = new NodeTls(null, null);

  private final SslContext server; // null: plaintext
  private final SslContext client; // null: plaintext

  private NodeTls(SslContext server, SslContext client) {
    this.server = server;
    this.client = client;
  }

  /** No TLS: node-to-node calls go in clear text, authenticated by the cluster secret alone. */
  public static NodeTls plaintext() {
    return PLAINTEXT;
  }

  /**
   * Mutual TLS from PEM files: this node's certificate (optionally followed by intermediates),
   * its PKCS#8 private key, and the cluster CA's certificate, the only one trusted.
   *
   * @throws IllegalStateException when a file cannot be read, the key does not match the
   *     certificate, or the certificate does not name {@code nodeId} as a subjectAltName DNS name
   */
  public static NodeTls fromPem(String nodeId, Path certificate, Path key, Path ca) {
    X509Certificate own;
    try (InputStream in = Files.newInputStream(certificate)) {
      own = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | CertificateException | ClassCastException e) {
      throw new IllegalStateException("cannot read the node's certificate " + certificate, e);
    }
    checkNames(nodeId, own);
    try {
      return build(
          SslContextBuilder.forServer(certificate.toFile(), key.toFile())
              .trustManager(ca.toFile()),
          SslContextBuilder.forClient()
              .keyManager(certificate.toFile(), key.toFile())
              .trustManager(ca.toFile()));
    } catch (IllegalArgumentException | SSLException e) {
      throw new IllegalStateException("cannot set up mutual TLS from " + certificate + ", " + key
          + " and " + ca, e);
    }
  }

  /**
   * Mutual TLS from keys and certificates in memory (the tests make theirs).
   *
   * @throws IllegalStateException as {@link #fromPem} does
   */
  public static NodeTls of(String nodeId, PrivateKey key, X509Certificate certificate,
      X509Certificate ca) {
    checkNames(nodeId, certificate);
    try {
      return build(
          SslContextBuilder.forServer(key, certificate).trustManager(ca),
          SslContextBuilder.forClient().keyManager(key, certificate).trustManager(ca));
    } catch (IllegalArgumentException | SSLException e) {
      throw new IllegalStateException("cannot set up mutual TLS for " + nodeId, e);
    }
  }

  private static NodeTls build(SslContextBuilder server, SslContextBuilder client)
      throws SSLException {
    return new NodeTls(
        GrpcSslContexts.configure(server).clientAuth(ClientAuth.REQUIRE).build(),
        GrpcSslContexts.configure(client).build());
  }

  /** A node that served with another node's certificate would be refused by every peer. */
  private static void checkNames(String nodeId, X509Certificate certificate) {
    Set<String> names;
    try {
      names = PeerIdentity.namesOf(certificate);
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalStateException("cannot read the names in the node's certificate", e);
    }
    if (!names.contains(nodeId)) {
      throw new IllegalStateException("the node's certificate (subjectAltName DNS names " + names
          + ") does not name this node, " + nodeId);
    }
  }

  /** True iff node-to-node calls go over mutual TLS. */
  public boolean enabled() {
    return server != null;
  }

  /** Which TLS implementation the contexts use, for the node's log. */
  public String provider() {
    if (!enabled()) {
      return "none";
    }
    return OpenSsl.isAvailable() ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
  }

  /**
   * A channel to the member {@code memberId} serving at {@code address} ("host:port"); with TLS,
   * one that refuses a server whose certificate does not name {@code memberId}.
   */
  ManagedChannel channel(String memberId, String address) {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address)
        .maxInboundMessageSize(NodeRpcServer.MAX_MESSAGE_BYTES);
    if (!enabled()) {
      return builder.usePlaintext().build();
    }
    return builder.sslContext(client).overrideAuthority(memberId).build();
  }

  /** {@code server} with TLS required of every caller, when enabled; as it was otherwise. */
  NettyServerBuilder serve(NettyServerBuilder server) {
    return enabled() ? server.sslContext(this.server) : server;
  }
}
