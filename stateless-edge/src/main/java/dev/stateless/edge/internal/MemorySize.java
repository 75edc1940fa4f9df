package dev.stateless.edge.internal;

import java.util.Locale;

/**
 * A byte count as redis.conf writes one ({@code memtoull}): a number with an optional unit, {@code
 * k}, {@code m}, {@code g} (powers of 1000) or {@code kb}, {@code mb}, {@code gb} (powers of 1024),
 * in any case: {@code 512mb}, {@code 1gb}, {@code 65536}.
 */
final class MemorySize {
  private MemorySize() {}

  /**
   * The number of bytes {@code text} stands for.
   *
   * @throws IllegalArgumentException naming {@code text} when it is not such a size
   */
  static long parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    long multiplier = 1;
    String[][] units = {
      {"kb", "1024"},
      {"mb", "1048576"},
      {"gb", "1073741824"},
      {"k", "1000"},
      {"m", "1000000"},
      {"g", "1000000000"},
      {"b", "1"}
    };
    for (String[] unit : units) {
      if (s.endsWith(unit[0])) {
        multiplier = Long.parseLong(unit[1]);
        s = s.substring(0, s.length() - unit[0].length());
        break;
      }
    }
    try {
      long n = Long.parseLong(s);
      if (n < 0) {
        throw new IllegalArgumentException("Invalid size (negative): " + text);
      }
      return Math.multiplyExact(n, multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "Invalid size '" + text + "' (expected a number of bytes, e.g. 65536, 64kb, 512mb, 1gb)",
          e);
    }
  }
}
