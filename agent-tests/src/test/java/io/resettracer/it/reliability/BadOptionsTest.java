package io.resettracer.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.it.support.AgentCli;
import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Options a person or a script may get wrong: a 20 KB one is echoed in part, a key given twice is
 * named, an absurd duration is refused; with {@code -javaagent} each is one warning and the
 * application runs, with {@code attach} the first is the one line of a usage error.
 */
class BadOptionsTest {

  private static final String HUGE = "colour=" + "x".repeat(20_000);

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    return Jdks.all().stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), Stream.of(
        DynamicTest.dynamicTest("-javaagent: one short warning each, the application runs",
            () -> javaagent(jdk)),
        DynamicTest.dynamicTest("attach: refused in one short line", () -> attach(jdk)))));
  }

  private void javaagent(Jdks.Jdk jdk) throws Exception {
    ChildJvm.Result r = ChildJvm.run(jdk, List.of(ChildJvm.javaagent(
        HUGE + ",logLimit=3,logLimit=4,eventWindow=99999999999999999h")), LiveTargets.TARGET, List.of(),
        60);
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stdout().get(0).startsWith("READY "), r.describe());
    List<String> warnings = r.stderr().stream().filter(l -> l.startsWith("[reset-tracer]"))
        .collect(Collectors.toList());
    assertEquals(3, warnings.size(), String.join("\n", warnings));
    assertTrue(warnings.get(0).contains("ignoring option 'colour=xxxx"), warnings.get(0));
    assertTrue(warnings.get(1).contains("option 'logLimit' is given more than once ('logLimit=3', then"
        + " 'logLimit=4'): the last is used"), warnings.get(1));
    assertTrue(warnings.get(2).contains("ignoring option 'eventWindow=99999999999999999h':"
        + " '99999999999999999h' is too long: at most 365 days"), warnings.get(2));
    for (String w : warnings) {
      assertTrue(w.length() < 1_000, () -> w.length() + " characters: " + w.substring(0, 200));
    }
    System.out.printf("[options] %s: a 20 KB option warned in %d characters%n", jdk,
        warnings.get(0).length());
  }

  private void attach(Jdks.Jdk jdk) throws Exception {
    // The options are checked before any attach: pid 1 is never touched.
    AgentCli.Run r = AgentCli.run(jdk, "attach", "1", HUGE);
    assertEquals(2, r.exitCode(), r.stdout() + " " + r.stderr().size() + " lines on stderr");
    assertEquals(2, r.stderr().size(), "one line and the hint");
    assertTrue(r.stderr().get(0).startsWith("reset-tracer: bad option 'colour=xxx"), r.stderr().get(0));
    assertTrue(r.stderr().get(0).length() < 1_000, r.stderr().get(0).length() + " characters");
    r = AgentCli.run(jdk, "attach", "1", "eventWindow=99999999999999999h");
    assertEquals(2, r.exitCode(), r.describe());
    assertTrue(r.stderr().get(0).startsWith("reset-tracer: bad option 'eventWindow=99999999999999999h':"
        + " '99999999999999999h' is too long: at most 365 days"), r.describe());
  }
}
