package io.resettracer.it.scenarios;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProtectionDomain;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A test-only agent that captures the current bytecode of each loaded JDK socket class reset-tracer
 * instruments: it writes it to {@code <file>.<class name>.class}, and one {@code name digest} line
 * each to the file named by its argument, then one {@code class <name>} line per class loaded in the
 * JVM.
 *
 * <p>It must be loaded afresh for every capture: a retransformation hands each JVMTI environment the
 * bytes that the environments created before it produced, so only an environment created after
 * reset-tracer's sees reset-tracer's weaving.
 */
public final class ClassBytesProbe {

  static final List<String> NAMES =
      List.of(
          "sun.nio.ch.NioSocketImpl",
          "sun.nio.ch.SocketChannelImpl",
          "sun.nio.ch.ServerSocketChannelImpl",
          "sun.nio.ch.UnixAsynchronousSocketChannelImpl",
          "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl",
          "sun.nio.ch.IOUtil");

  private ClassBytesProbe() {}

  public static void agentmain(String outFile, Instrumentation inst) throws Exception {
    Map<String, String> digests = new TreeMap<>();
    ClassFileTransformer capture =
        new ClassFileTransformer() {
          @Override
          public byte[] transform(ClassLoader loader, String name, Class<?> redefined,
              ProtectionDomain domain, byte[] bytes) {
            if (redefined != null && NAMES.contains(redefined.getName())) {
              synchronized (digests) {
                digests.put(redefined.getName(), sha256(bytes));
              }
              try {
                Files.write(Path.of(outFile + "." + redefined.getName() + ".class"), bytes);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
            return null;
          }
        };
    inst.addTransformer(capture, true);
    try {
      for (Class<?> c : inst.getAllLoadedClasses()) {
        if (c.getClassLoader() == null && NAMES.contains(c.getName())) {
          inst.retransformClasses(c);
        }
      }
    } finally {
      inst.removeTransformer(capture);
    }
    List<String> loaded = new java.util.ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      loaded.add("class " + c.getName());
    }
    write(Path.of(outFile), digests, loaded);
  }

  private static void write(Path file, Map<String, String> digests, List<String> loaded)
      throws IOException {
    synchronized (digests) {
      Files.writeString(file, digests.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
          .collect(Collectors.joining("\n")) + "\n" + String.join("\n", loaded));
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
