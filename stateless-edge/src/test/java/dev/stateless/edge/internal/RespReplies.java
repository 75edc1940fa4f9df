package dev.stateless.edge.internal;

/** Counts the complete RESP2/RESP3 replies in a node's output; fails on anything malformed. */
final class RespReplies {
  private final String text;
  private int pos;

  private RespReplies(String text) {
    this.text = text;
  }

  /**
   * The number of top-level replies in {@code text}.
   *
   * @throws IllegalArgumentException if {@code text} is not a sequence of whole replies
   */
  static int count(String text) {
    RespReplies r = new RespReplies(text);
    int n = 0;
    while (r.pos < text.length()) {
      r.reply();
      n++;
    }
    return n;
  }

  /** The last top-level reply of {@code text}, or "" when there is none. */
  static String last(String text) {
    RespReplies r = new RespReplies(text);
    int start = 0;
    while (r.pos < text.length()) {
      start = r.pos;
      r.reply();
    }
    return text.substring(start);
  }

  private void reply() {
    char type = text.charAt(pos++);
    String line = line();
    switch (type) {
      case '+', '-', ':', ',', '#', '_' -> {}
      case '$', '=' -> {
        long length = Long.parseLong(line);
        if (length >= 0) {
          pos += (int) length;
          expect("\r\n");
        }
      }
      case '*', '~', '>', '%' -> {
        long count = Long.parseLong(line) * (type == '%' ? 2 : 1);
        for (long i = 0; i < count; i++) {
          reply();
        }
      }
      default -> throw new IllegalArgumentException("bad reply type '" + type + "' at " + pos);
    }
  }

  private String line() {
    int end = text.indexOf("\r\n", pos);
    if (end < 0) {
      throw new IllegalArgumentException("unterminated line at " + pos);
    }
    String line = text.substring(pos, end);
    pos = end + 2;
    return line;
  }

  private void expect(String s) {
    if (!text.startsWith(s, pos)) {
      throw new IllegalArgumentException("expected CRLF at " + pos);
    }
    pos += s.length();
  }
}
