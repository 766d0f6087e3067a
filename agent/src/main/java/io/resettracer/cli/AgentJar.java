package io.resettracer.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The jar this command runs from, which is also the agent it loads into a target. */
final class AgentJar {

  private AgentJar() {}

  static String path() throws CliFailure {
    try {
      Path p = Path.of(AgentJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(p)) {
        throw CliFailure.failed(
            "run this command from the agent jar (java -jar reset-tracer.jar), not from " + p);
      }
      return p.toAbsolutePath().toString();
    } catch (URISyntaxException | RuntimeException e) {
      throw CliFailure.failed("cannot locate the agent jar: " + e);
    }
  }
}
