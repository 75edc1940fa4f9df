package dev.stateless.edge.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One command as a client sent it: the name and its arguments, each the exact bytes received. */
public final class Request {
  private final byte[][] argv;

  /**
   * @param argv the command name followed by its arguments; at least one element
   */
  public Request(byte[][] argv) {
    if (argv.length == 0) {
      throw new IllegalArgumentException("a request has at least the command's name");
    }
    this.argv = argv;
  }

  /** The number of elements, the command's name included (Redis's {@code argc}). */
  public int argc() {
    return argv.length;
  }

  /** The element at {@code index}; 0 is the command's name. */
  public byte[] arg(int index) {
    return argv[index];
  }

  /** The element at {@code index} as a Latin-1 string (one char per byte, so nothing is lost). */
  public String string(int index) {
    return new String(argv[index], StandardCharsets.ISO_8859_1);
  }

  /** The element at {@code index}, lower-cased (command and option names are case-insensitive). */
  public String lower(int index) {
    return string(index).toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Request[");
    for (int i = 0; i < argv.length; i++) {
      sb.append(i == 0 ? "" : " ").append(string(i));
    }
    return sb.append(']').toString();
  }
}
