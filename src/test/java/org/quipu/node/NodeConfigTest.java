package org.quipu.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The node's settings that are checked together: mutual TLS between nodes, all or none. */
class NodeConfigTest {

  private static NodeConfig tls(String cert, String key, String ca) {
    NodeConfig config = new NodeConfig();
    config.grpcTlsCert = Optional.ofNullable(cert);
    config.grpcTlsKey = Optional.ofNullable(key);
    config.grpcTlsCa = Optional.ofNullable(ca);
    return config;
  }

  @Test
  void grpcTls_noneOfTheThreeSet_isPlaintext() {
    assertEquals(Optional.empty(), tls(null, null, null).grpcTls());
    assertEquals(Optional.empty(), tls("", " ", null).grpcTls()); // blank is unset
  }

  @Test
  void grpcTls_allThreeSet_areTheFiles() {
    assertEquals(Optional.of(new NodeConfig.TlsFiles(Path.of("/t/node-1.pem"),
            Path.of("/t/node-1.key"), Path.of("/t/ca.pem"))),
        tls("/t/node-1.pem", "/t/node-1.key", "/t/ca.pem").grpcTls());
  }

  @Test
  void grpcTls_someButNotAll_refusesToStart_namingWhatIsMissing() {
    assertEquals("mutual TLS between nodes needs all of QUIPU_GRPC_TLS_CERT, QUIPU_GRPC_TLS_KEY, "
            + "QUIPU_GRPC_TLS_CA, or none; missing: QUIPU_GRPC_TLS_KEY, QUIPU_GRPC_TLS_CA",
        assertThrows(IllegalStateException.class,
            () -> tls("/t/node-1.pem", null, "").grpcTls()).getMessage());
    assertThrows(IllegalStateException.class, () -> tls(null, "/t/node-1.key", null).grpcTls());
    assertThrows(IllegalStateException.class, () -> tls(null, null, "/t/ca.pem").grpcTls());
    assertThrows(IllegalStateException.class,
        () -> tls("/t/node-1.pem", "/t/node-1.key", null).grpcTls());
  }
}
