package io.resettracer.emit;

/**
 * The failing call's stack as text, the application's frame first: the JDK frames of the socket
 * path above it follow at the end, under a line of their own, so that `jfr print` and JMC's event
 * view open on the line of the application that failed.
 */
final class StackText {

  static final int MAX_FRAMES = 24;
  static final int MAX_PLATFORM_FRAMES = 8;

  private StackText() {}

  static String of(StackTraceElement[] stack) {
    if (stack == null || stack.length == 0) {
      return "";
    }
    int first = 0;
    while (first < stack.length && isPlatform(stack[first].getClassName())) {
      first++;
    }
    if (first == stack.length) {
      first = 0; // all of it is the JDK's (a JDK HttpClient selector thread): show it as it is
    }
    StringBuilder b = new StringBuilder();
    int end = Math.min(stack.length, first + MAX_FRAMES);
    for (int i = first; i < end; i++) {
      b.append("at ").append(stack[i]).append('\n');
    }
    if (end < stack.length) {
      b.append("… ").append(stack.length - end).append(" more frames\n");
    }
    if (first > 0) {
      b.append("--- in the JDK's socket path above it (").append(first).append(" frames):\n");
      for (int i = Math.max(0, first - MAX_PLATFORM_FRAMES); i < first; i++) {
        b.append("at ").append(stack[i]).append('\n');
      }
    }
    return Text.bounded(b.toString(), Text.MAX_STACK_CHARS);
  }

  /** The JDK's own code: the socket path between the application and the failure. */
  static boolean isPlatform(String className) {
    return className.startsWith("java.") || className.startsWith("sun.")
        || className.startsWith("jdk.") || className.startsWith("javax.net.");
  }
}
