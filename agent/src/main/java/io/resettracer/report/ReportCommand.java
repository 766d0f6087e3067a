package io.resettracer.report;

import io.resettracer.agent.AgentVersion;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code report <recording.jfr>... [-o file] [--format html|text|json]}: reads recordings made with
 * the agent and writes what they say about resets, as a page for a browser (the default), a table
 * for a terminal or JSON for scripts. Needs no running JVM and no attach.
 */
public final class ReportCommand {

  public static final String USAGE =
      "report <recording.jfr>... [-o <file>] [--format html|text|json]";
  static final String DEFAULT_HTML = "reset-tracer-report.html";

  private ReportCommand() {}

  /** {@code args} without the command's own name; returns 0 success, 1 failure, 2 usage error. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    List<Path> recordings = new ArrayList<>();
    String output = null;
    String format = "html";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-o") || a.equals("--output") || a.equals("--format")) {
        if (i + 1 == args.size()) {
          return usage(err, a + " needs a value");
        }
        String value = args.get(++i);
        if (a.equals("--format")) {
          format = value;
        } else {
          output = value;
        }
      } else if (a.startsWith("--format=")) {
        format = a.substring("--format=".length());
      } else if (a.startsWith("-") && !a.equals("-")) {
        return usage(err, "unknown report option '" + a + "'");
      } else {
        recordings.add(Path.of(a));
      }
    }
    if (!List.of("html", "text", "json").contains(format)) {
      return usage(err, "unknown format '" + format + "': html, text or json");
    }
    if (recordings.isEmpty()) {
      return usage(err, "no recording given: " + USAGE);
    }
    ReportBuilder builder = new ReportBuilder();
    for (int i = 0; i < recordings.size(); i++) {
      Path file = recordings.get(i);
      if (!Files.isRegularFile(file)) {
        return failed(err, "no recording at " + file);
      }
      builder.source(file.getFileName().toString());
      try {
        RecordingScan.read(file, i, builder);
      } catch (IOException | RuntimeException e) {
        return failed(err, "cannot read " + file + ": " + e.getMessage());
      }
    }
    Report report = builder.build();
    ZoneId zone = ZoneId.systemDefault();
    String text = switch (format) {
      case "text" -> TextRenderer.render(report, zone);
      case "json" -> JsonRenderer.render(report, AgentVersion.get());
      default -> HtmlRenderer.render(report, AgentVersion.get(), zone);
    };
    if (output == null && format.equals("html")) {
      output = DEFAULT_HTML;
    }
    if (output == null || output.equals("-")) {
      out.print(text);
      out.flush();
      return 0;
    }
    Path target = Path.of(output);
    try {
      write(target, text);
    } catch (IOException | RuntimeException e) {
      return failed(err, "cannot write " + target + ": " + e);
    }
    out.println("wrote " + target + ": " + Units.plural(report.resets(), "reset", "resets") + ", "
        + Units.plural(report.incidentCount(), "incident", "incidents") + ", "
        + Units.plural(report.peerCount(), "peer", "peers"));
    out.flush();
    return 0;
  }

  /** Peers' addresses are in it: a new file is readable by its owner only. */
  private static void write(Path target, String text) throws IOException {
    try {
      Files.createFile(target,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException | UnsupportedOperationException kept) {
      // an existing file keeps its permissions; a file system without them has none to set
    } catch (NoSuchFileException e) {
      throw new IOException("no such directory " + target.toAbsolutePath().getParent(), e);
    }
    try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      w.write(text);
    }
  }

  private static int usage(PrintStream err, String message) {
    err.println("reset-tracer: " + message);
    err.println("try: java -jar reset-tracer.jar help");
    return 2;
  }

  private static int failed(PrintStream err, String message) {
    err.println("reset-tracer: " + message);
    return 1;
  }
}
