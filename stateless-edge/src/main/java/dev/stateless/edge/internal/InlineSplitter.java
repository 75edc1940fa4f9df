package dev.stateless.edge.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits an inline command line into arguments as redis-server's {@code sdssplitargs} does:
 * whitespace separates; {@code "..."} takes the escapes {@code \n \r \t \b \a \\ \" \xHH}; {@code
 * '...'} takes only {@code \'}; a closing quote must be followed by whitespace or the end; a NUL
 * byte ends the line.
 */
final class InlineSplitter {
  private InlineSplitter() {}

  /** The arguments, or null when quotes are unbalanced. */
  static @Nullable List<byte[]> split(byte[] line) {
    List<byte[]> args = new ArrayList<>();
    int n = line.length;
    int p = 0;
    while (true) {
      while (p < n && isSpace(line[p])) {
        p++;
      }
      if (p >= n || line[p] == 0) {
        return args;
      }
      boolean inDouble = false;
      boolean inSingle = false;
      boolean done = false;
      ByteArrayOutputStream current = new ByteArrayOutputStream();
      while (!done) {
        int c = at(line, p);
        if (inDouble) {
          if (c == '\\'
              && at(line, p + 1) == 'x'
              && isHex(at(line, p + 2))
              && isHex(at(line, p + 3))) {
            current.write(hex(at(line, p + 2)) * 16 + hex(at(line, p + 3)));
            p += 3;
          } else if (c == '\\' && at(line, p + 1) != 0) {
            p++;
            int e = at(line, p);
            switch (e) {
              case 'n' -> current.write('\n');
              case 'r' -> current.write('\r');
              case 't' -> current.write('\t');
              case 'b' -> current.write('\b');
              case 'a' -> current.write(7);
              default -> current.write(e);
            }
          } else if (c == '"') {
            if (at(line, p + 1) != 0 && !isSpace((byte) at(line, p + 1))) {
              return null;
            }
            done = true;
          } else if (c == 0) {
            return null;
          } else {
            current.write(c);
          }
        } else if (inSingle) {
          if (c == '\\' && at(line, p + 1) == '\'') {
            p++;
            current.write('\'');
          } else if (c == '\'') {
            if (at(line, p + 1) != 0 && !isSpace((byte) at(line, p + 1))) {
              return null;
            }
            done = true;
          } else if (c == 0) {
            return null;
          } else {
            current.write(c);
          }
        } else {
          switch (c) {
            case ' ', '\n', '\r', '\t', 0 -> done = true;
            case '"' -> inDouble = true;
            case '\'' -> inSingle = true;
            default -> current.write(c);
          }
        }
        if (c != 0) {
          p++;
        }
      }
      args.add(current.toByteArray());
    }
  }

  /** The byte at {@code i} as 0..255, or 0 past the end (the C string's terminator). */
  private static int at(byte[] line, int i) {
    return i < line.length ? line[i] & 0xff : 0;
  }

  /** C's {@code isspace}. */
  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int hex(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
  }
}
