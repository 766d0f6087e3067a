package io.resettracer.emit;

/** Keeps event and log text bounded, whatever an exception message or evidence holds. */
final class Text {

  static final int MAX_CHARS = 1024;
  static final int MAX_STACK_CHARS = 4096;

  private Text() {}

  static String bounded(String s) {
    return bounded(s, MAX_CHARS);
  }

  static String bounded(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
