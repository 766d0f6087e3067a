package io.resettracer.emit;

/** Keeps event and log text bounded, whatever an exception message or evidence holds. */
final class Text {

  static final int MAX_CHARS = 1024;

  private Text() {}

  static String bounded(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS - 1) + "…";
  }
}
