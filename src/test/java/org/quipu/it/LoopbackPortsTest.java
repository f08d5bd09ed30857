package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void ephemeralLow_readsTheKernelsWholeBound_notItsFirstByte() {
    // procfs reports the file's size as 0, and Files.readString then read "3" of "32768".
    assertTrue(LoopbackPorts.ephemeralLow() >= 1024, "read " + LoopbackPorts.ephemeralLow());
  }

  @Test
  void freeRange_isAlignedFreeAndBelowTheEphemeralRange() throws IOException {
    int base = LoopbackPorts.freeRange(53, 100);

    assertEquals(0, base % 100, "aligned");
    assertTrue(base >= 20_000 && base + 52 < LoopbackPorts.ephemeralLow(), "base " + base);
    for (int port = base; port < base + 53; port++) {
      try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, bound.getLocalPort());
      }
    }
  }

  @Test
  void free_neverHandsOutTheSamePortTwice_evenBeforeEitherIsBound() {
    // 2,000 draws from about 12,000 ports: without the guard, some 160 would repeat.
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      ports.add(LoopbackPorts.free());
    }
    assertEquals(2_000, ports.size());
  }
}
