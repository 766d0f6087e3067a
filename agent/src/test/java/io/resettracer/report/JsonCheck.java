package io.resettracer.report;

/** A strict JSON reader that only says whether a text is one valid JSON value (RFC 8259). */
final class JsonCheck {

  private final String s;
  private int i;

  private JsonCheck(String s) {
    this.s = s;
  }

  /** Throws with the position when {@code text} is not exactly one JSON value. */
  static void valid(String text) {
    JsonCheck c = new JsonCheck(text);
    c.value();
    c.space();
    if (c.i != text.length()) {
      throw c.error("trailing text");
    }
  }

  private void value() {
    space();
    if (i >= s.length()) {
      throw error("value expected");
    }
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      space();
      if (peek('}')) {
        i++;
        return;
      }
      do {
        space();
        string();
        space();
        expect(':');
        value();
        space();
      } while (take(','));
      expect('}');
    } else if (c == '[') {
      i++;
      space();
      if (peek(']')) {
        i++;
        return;
      }
      do {
        value();
        space();
      } while (take(','));
      expect(']');
    } else if (c == '"') {
      string();
    } else if (s.startsWith("true", i) || s.startsWith("null", i)) {
      i += 4;
    } else if (s.startsWith("false", i)) {
      i += 5;
    } else {
      number();
    }
  }

  private void string() {
    expect('"');
    while (i < s.length() && s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c == '\\') {
        char e = s.charAt(i++);
        if (e == 'u') {
          for (int k = 0; k < 4; k++) {
            if (Character.digit(s.charAt(i++), 16) < 0) {
              throw error("bad \\u escape");
            }
          }
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          throw error("bad escape");
        }
      }
    }
    expect('"');
  }

  private void number() {
    int start = i;
    take('-');
    if (take('0')) {
      // no leading zeros
    } else {
      digits();
    }
    if (take('.')) {
      digits();
    }
    if (take('e') || take('E')) {
      if (!take('+')) {
        take('-');
      }
      digits();
    }
    if (i == start) {
      throw error("value expected");
    }
  }

  private void digits() {
    int start = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == start) {
      throw error("digit expected");
    }
  }

  private void space() {
    while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }

  private boolean peek(char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  private boolean take(char c) {
    if (peek(c)) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!take(c)) {
      throw error("'" + c + "' expected");
    }
  }

  private IllegalArgumentException error(String what) {
    int from = Math.max(0, i - 40);
    return new IllegalArgumentException(what + " at " + i + ": ..."
        + s.substring(from, Math.min(s.length(), i + 40)));
  }
}
