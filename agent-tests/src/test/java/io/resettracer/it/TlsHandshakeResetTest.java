package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.it.scenarios.TlsMain;
import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A TLS handshake reset by the peer (a proxy refusing the SNI or protocol version), on every
 * attempt: three TLS sockets, an application's SSLEngine over a SocketChannel, and the JDK
 * HttpClient. One event each, with the stage tls-handshake (a socket's from its stack, a channel's
 * from its engine), nothing delivered, a socket's application frame first in its stack, and the
 * verdict of a refusal in the path (every handshake cut, none through).
 */
class TlsHandshakeResetTest {

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    List<DynamicNode> tests = new ArrayList<>();
    for (Jdks.Jdk jdk : Jdks.all()) {
      System.out.println("TlsHandshakeResetTest on " + jdk);
      tests.add(DynamicTest.dynamicTest(jdk.toString(), () -> handshakeReset(jdk)));
    }
    return tests.stream();
  }

  private void handshakeReset(Jdks.Jdk jdk) throws Exception {
    Path jfr = Files.createTempFile(ChildJvm.WORK, "tls-", ".jfr");
    ChildJvm.Result r = ChildJvm.run(jdk, List.of(ChildJvm.javaagent("")),
        "io.resettracer.it.scenarios.TlsMain", List.of(jfr.toString()), 60);
    Files.deleteIfExists(jfr);
    assertEquals(0, r.exitCode(), r.describe());
    assertEquals(3, r.stdout().stream().filter(l -> l.startsWith("HANDSHAKE-RESET")).count(),
        r.describe());
    assertTrue(r.stdout().stream().anyMatch(l -> l.startsWith("ENGINE-HANDSHAKE-RESET")),
        r.describe());
    assertTrue(r.stdout().stream().anyMatch(l -> l.startsWith("HTTPCLIENT-FAILED")), r.describe());
    List<String> events = r.stdout().stream().filter(l -> l.startsWith("EVENT ")).toList();
    assertEquals(TlsMain.ATTEMPTS + 2, events.size(), r.describe());
    int socketEvents = 0;
    for (String e : events) {
      System.out.println("[tls on " + jdk + "] " + e);
      assertTrue(e.contains("\tstage=tls-handshake\t"), e);
      assertTrue(e.contains("\trequestDelivered=none\t"), e);
      // Judged once the burst is known: every handshake to the peer cut, none through.
      assertTrue(e.contains("\tverdict=NETWORK_DEVICE\t"), e);
      assertTrue(e.contains("the TLS handshake was reset after the ClientHello"), e);
      if (e.contains("\ttransport=socket\t")) {
        socketEvents++;
        assertTrue(e.contains("\tthread=main\t"), "the failing thread: " + e);
        assertTrue(e.contains("\tstack=io.resettracer.it.scenarios.TlsMain.main,"),
            "the application's frame first: " + e);
      } else {
        assertTrue(e.contains("\ttransport=nio\t"), e);
      }
    }
    assertEquals(TlsMain.ATTEMPTS, socketEvents, "the TLS sockets'; the engine's and the"
        + " HttpClient's are over channels");
    assertTrue(r.stdout().contains("SWALLOWED 0"), "no error swallowed: " + r.describe());
  }
}
