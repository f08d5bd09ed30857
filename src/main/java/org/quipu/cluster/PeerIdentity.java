package org.quipu.cluster;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Which node ids the caller of a call over mutual TLS may speak for: the DNS names in the
 * subjectAltName of the certificate it presented, which the cluster's CA signed. The common name
 * is not read: a node's certificate names it as {@code DNS:node-N}, the name its peers also check
 * when they call it (hostname verification, see {@link NodeTls}), so one rule decides both ways
 * which node a certificate belongs to.
 *
 * <p>{@link #fromCertificate} puts the caller's identity into the call's {@link Context} before
 * the service reads the request; {@link ReplicationService} then refuses a request whose {@code
 * Caller.node_id} the certificate does not name. Without TLS no identity is set ({@link
 * #current} is empty) and only the cluster secret authenticates the caller.
 */
final class PeerIdentity {

  private static final Logger LOG = Logger.getLogger(PeerIdentity.class.getName());
  private static final Context.Key<PeerIdentity> KEY = Context.key("quipu-peer-identity");
  /** GeneralName's tag for a dNSName (RFC 5280, 4.2.1.6), as {@link X509Certificate} lists it. */
  private static final int DNS_NAME = 2;

  private final Set<String> nodeIds;

  private PeerIdentity(Set<String> nodeIds) {
    this.nodeIds = Set.copyOf(nodeIds);
  }

  /** The identity of the peer whose call this thread serves; empty on a server without TLS. */
  static Optional<PeerIdentity> current() {
    return Optional.ofNullable(KEY.get());
  }

  /** True iff the certificate names {@code nodeId}. */
  boolean speaksFor(String nodeId) {
    return nodeIds.contains(nodeId);
  }

  /** The node ids the certificate names, for a refusal's description. */
  Set<String> nodeIds() {
    return nodeIds;
  }

  /**
   * The DNS names in {@code certificate}'s subjectAltName, the node ids it speaks for.
   *
   * @throws CertificateParsingException when its subjectAltName cannot be read
   */
  static Set<String> namesOf(X509Certificate certificate) throws CertificateParsingException {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return Set.of();
    }
    return names.stream()
        .filter(name -> name.size() == 2 && Integer.valueOf(DNS_NAME).equals(name.get(0)))
        .map(name -> (String) name.get(1))
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * For a server with mutual TLS: closes with UNAUTHENTICATED a call that came without a
   * verified client certificate naming at least one node (which a server requiring client
   * certificates never lets through, but a misconfigured one might), and runs every other with its
   * caller's identity in the {@link Context}.
   */
  static ServerInterceptor fromCertificate() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        PeerIdentity peer = session == null ? null : of(session);
        if (peer == null) {
          call.close(Status.UNAUTHENTICATED.withDescription(
              "no client certificate naming a node"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(KEY, peer), call, headers,
            next);
      }
    };
  }

  /** The identity the session's peer certificate gives, or null when it gives none. */
  private static PeerIdentity of(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return null;
      }
      Set<String> names = namesOf(leaf);
      return names.isEmpty() ? null : new PeerIdentity(names);
    } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
      LOG.log(Level.WARNING, "a peer's client certificate cannot be read", e);
      return null;
    }
  }
}
