package org.blurnative.dist;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The store's socket is bound to the given address only (the test JVM opens java.base/sun.nio.ch, as the jar does). */
class StoreListenerTest {

  @Test
  void listensOnTheAddressGivenAndNoOther() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    OptionalInt fd = StoreListener.bind(InetAddress.getByName("127.0.0.1"), port);
    assertTrue(fd.isPresent() && fd.getAsInt() > 2, "a descriptor: " + fd);
    Process ss = new ProcessBuilder("ss", "-ltnH").redirectErrorStream(true).start();
    String listening = new String(ss.getInputStream().readAllBytes()).lines()
        .filter(l -> l.contains(":" + port + " ")).reduce("", (a, b) -> a + b + "\n");
    System.out.println("listening: " + listening.strip());
    assertTrue(listening.contains("127.0.0.1]:" + port) || listening.contains("127.0.0.1:" + port), listening);
    assertTrue(!listening.contains("*:" + port) && !listening.contains("0.0.0.0:" + port), listening);
    assertThrows(BindException.class, () -> StoreListener.bind(InetAddress.getByName("127.0.0.1"), port),
        "the port is taken now");
  }

  @Test
  void anAddressThatIsNotThisMachinesCannotBeBound() {
    // binding sends nothing: 192.0.2.1 (TEST-NET-1, RFC 5737) is only checked against this machine's addresses
    assertThrows(BindException.class, () -> StoreListener.bind(InetAddress.getByName("192.0.2.1"), 29999));
  }
}
