package dev.stateless.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Parses the size and duration literals of the manifest ({@code "50MB"}, {@code "10m"}) into typed
 * values, once, with an exact SL012 error naming the bad input, and checks the other texts and
 * values the caller writes (keys, globs, TTLs) by the same rule. Parsing does not depend on the
 * default locale.
 */
public final class Literals {
  private static final String SIZE_HELP =
      "write a whole number and a unit: B, KB, MB, GB or TB (binary, 1KB = 1024 bytes), e.g. \"50MB\"";
  private static final String DURATION_HELP =
      "write whole numbers with units ms, s, m, h or d, largest first, e.g. \"30s\", \"10m\","
          + " \"1h30m\"";

  private Literals() {}

  /**
   * Checks a cache key. Any text is a key, glob characters included (they are data); refused are
   * the empty key, because no pattern can own it, and a key that is not well-formed UTF-16 (half a
   * surrogate pair, see {@link #unpairedSurrogate}), because keys are UTF-8 text in a store and
   * such a key has no exact encoding: Redis would get a {@code ?} in its place, which is another
   * key.
   *
   * @param key the key
   * @return the key
   * @throws NullPointerException if {@code key} is null
   * @throws StatelessException SL012 if the key is empty or has an unpaired surrogate
   */
  public static String checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new StatelessException(
          List.of(
              Diagnostics.malformed(
                  "key", key, "the key is empty", "use a key such as \"user:123\"")));
    }
    checkEncodable("key", key);
    return key;
  }

  /**
   * Checks a Redis glob ({@code KEYS} / {@code SCAN MATCH}): like a key, it must have an exact
   * UTF-8 encoding; a {@code ?} in place of half a surrogate pair would even match any character.
   *
   * @param glob the glob
   * @return the glob
   * @throws NullPointerException if {@code glob} is null
   * @throws StatelessException SL012 if the glob has an unpaired surrogate
   */
  public static String checkGlob(String glob) {
    Objects.requireNonNull(glob, "glob");
    checkEncodable("glob", glob);
    return glob;
  }

  /** Keys, patterns and globs: SL012 unless the text has an exact UTF-8 encoding. */
  static void checkEncodable(String kind, String text) {
    int at = unpairedSurrogate(text);
    if (at >= 0) {
      throw new StatelessException(List.of(Diagnostics.unpairedSurrogate(kind, text, at)));
    }
  }

  /**
   * Returns where a text stops being well-formed UTF-16: the index of the first high surrogate not
   * followed by a low one, or of the first low surrogate not preceded by a high one. Such a text
   * has no exact UTF-8 encoding ({@code String.getBytes(UTF_8)} writes {@code ?} in its place). The
   * one rule for every text stateless stores: keys, patterns, globs and string values.
   *
   * @param text the text
   * @return the index of the first unpaired surrogate, or {@code -1} when there is none
   */
  public static int unpairedSurrogate(CharSequence text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++; // a whole pair
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * Returns how many bytes a text takes in UTF-8, counted without encoding it: 1 to 3 a char, 4 a
   * surrogate pair. Exact for well-formed text ({@link #unpairedSurrogate} is -1); other text has
   * no exact encoding.
   *
   * @param text the text
   * @return its UTF-8 length
   */
  public static long utf8Length(CharSequence text) {
    long n = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        n += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a pair: 2 chars, 4 bytes
      }
    }
    return n;
  }

  /**
   * Returns whether bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing past
   * U+10FFFF), checked in place: a large value is not decoded to be checked. Redis keeps bytes; a
   * value or key is text only when this holds.
   *
   * @param b the bytes
   * @return whether they are UTF-8
   */
  public static boolean isUtf8(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int more;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        more = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        more = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        more = 3;
        min = 0x10000;
      } else {
        return false;
      }
      int cp = c & (0x3f >> more);
      for (int k = 1; k <= more; k++) {
        if (i + k >= n) {
          return false;
        }
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return false;
      }
      i += more + 1;
    }
    return true;
  }

  /**
   * Describes an unpaired surrogate for a message: its index and the char as a Java escape.
   *
   * @param text the text
   * @param index where {@link #unpairedSurrogate} found it
   * @return the description
   */
  public static String describeUnpaired(CharSequence text, int index) {
    return "unpaired surrogate " + escapeChar(text.charAt(index)) + " at index " + index;
  }

  /**
   * Returns a text fit for a message: unpaired surrogates (which a log would print as {@code ?})
   * written as Java escapes, the rest as it is.
   *
   * @param text the text
   * @return the printable text
   */
  public static String printable(String text) {
    int first = unpairedSurrogate(text);
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    out.append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(escapeChar(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String escapeChar(char c) {
    return String.format(Locale.ROOT, "\\u%04X", (int) c);
  }

  /**
   * Checks a time to live given as a {@link Duration}: it must be positive (no expiry is the
   * absence of a TTL, and an immediate expiry is a delete). A TTL too long for a {@code long} of
   * nanoseconds is not refused: the runtime keeps it as about 292 years, which never comes, as
   * Caffeine does.
   *
   * @param ttl the time to live
   * @param where the argument, for the message, such as {@code "ttl of SetOptions.ttl(ttl)"}
   * @return the time to live
   * @throws NullPointerException if {@code ttl} is null
   * @throws StatelessException SL012 if {@code ttl} is zero or negative
   */
  public static Duration checkTtl(Duration ttl, String where) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new StatelessException(List.of(Diagnostics.nonPositiveTtl(ttl, where)));
    }
    return ttl;
  }

  /**
   * Parses a size literal: a whole number and a unit among {@code B}, {@code KB}, {@code MB},
   * {@code GB}, {@code TB} (any case; {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} also
   * accepted). Units are binary: {@code "1KB"} is 1024 bytes.
   *
   * @param literal the literal, such as {@code "50MB"}
   * @return the size in bytes, at least 1
   * @throws StatelessException with code SL012 if the literal is malformed, zero or too large
   * @throws NullPointerException if {@code literal} is null
   */
  public static long parseSize(String literal) {
    int digits = leadingDigits(literal, 0);
    if (digits == 0) {
      throw malformedSize(literal, "expected a whole number first");
    }
    String unit = literal.substring(digits).toUpperCase(Locale.ROOT);
    long multiplier;
    switch (unit) {
      case "B" -> multiplier = 1L;
      case "KB", "KIB" -> multiplier = 1L << 10;
      case "MB", "MIB" -> multiplier = 1L << 20;
      case "GB", "GIB" -> multiplier = 1L << 30;
      case "TB", "TIB" -> multiplier = 1L << 40;
      case "" -> throw malformedSize(literal, "missing unit");
      default -> {
        if (literal.charAt(digits) == '.' || literal.charAt(digits) == ',') {
          throw malformedSize(literal, "fractions are not allowed; use a smaller unit");
        }
        throw malformedSize(literal, "unknown unit \"" + literal.substring(digits) + "\"");
      }
    }
    long number = number(literal, 0, digits);
    if (number < 0) {
      throw malformedSize(literal, "too large");
    }
    if (number == 0) {
      throw malformedSize(literal, "a size must be at least 1 byte");
    }
    if (number > Long.MAX_VALUE / multiplier) {
      throw malformedSize(literal, "too large");
    }
    return number * multiplier;
  }

  /**
   * Parses a duration literal: one or more whole numbers, each followed by a unit among {@code ms},
   * {@code s}, {@code m}, {@code h}, {@code d}, each unit at most once and largest first ({@code
   * "1h30m"}).
   *
   * @param literal the literal, such as {@code "30s"}
   * @return the duration, positive
   * @throws StatelessException with code SL012 if the literal is malformed or zero
   * @throws NullPointerException if {@code literal} is null
   */
  public static Duration parseDuration(String literal) {
    if (literal.isEmpty()) {
      throw malformedDuration(literal, "empty");
    }
    Duration total = Duration.ZERO;
    int previousRank = Integer.MAX_VALUE;
    int pos = 0;
    while (pos < literal.length()) {
      int digits = leadingDigits(literal, pos);
      if (digits == 0) {
        throw malformedDuration(literal, "expected a whole number at index " + pos);
      }
      long number = number(literal, pos, pos + digits);
      if (number < 0) {
        throw malformedDuration(literal, "too large");
      }
      pos += digits;
      int unitEnd = pos;
      while (unitEnd < literal.length() && Character.isLetter(literal.charAt(unitEnd))) {
        unitEnd++;
      }
      String unit = literal.substring(pos, unitEnd);
      int rank;
      Duration part;
      try {
        switch (unit) {
          case "d" -> {
            rank = 4;
            part = Duration.ofDays(number);
          }
          case "h" -> {
            rank = 3;
            part = Duration.ofHours(number);
          }
          case "m" -> {
            rank = 2;
            part = Duration.ofMinutes(number);
          }
          case "s" -> {
            rank = 1;
            part = Duration.ofSeconds(number);
          }
          case "ms" -> {
            rank = 0;
            part = Duration.ofMillis(number);
          }
          case "" -> {
            if (unitEnd < literal.length()) {
              throw malformedDuration(
                  literal, "unexpected \"" + literal.charAt(unitEnd) + "\" at index " + unitEnd);
            }
            throw malformedDuration(literal, "missing unit");
          }
          default -> throw malformedDuration(literal, "unknown unit \"" + unit + "\"");
        }
        if (rank >= previousRank) {
          throw malformedDuration(literal, "units must appear once each, largest first");
        }
        total = total.plus(part);
      } catch (ArithmeticException e) {
        throw malformedDuration(literal, "too large");
      }
      previousRank = rank;
      pos = unitEnd;
    }
    if (total.isZero()) {
      throw malformedDuration(literal, "a duration must be positive");
    }
    return total;
  }

  private static int leadingDigits(String s, int from) {
    int i = from;
    // ASCII digits only: Character.isDigit would accept other scripts' digits.
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }

  /** The ASCII digits {@code [from, to)} as a number, or -1 when they overflow a long. */
  private static long number(String literal, int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      int digit = literal.charAt(i) - '0';
      if (n > (Long.MAX_VALUE - digit) / 10) {
        return -1;
      }
      n = n * 10 + digit;
    }
    return n;
  }

  private static StatelessException malformedSize(String literal, String problem) {
    return new StatelessException(
        List.of(Diagnostics.malformed("size literal", literal, problem, SIZE_HELP)));
  }

  private static StatelessException malformedDuration(String literal, String problem) {
    return new StatelessException(
        List.of(Diagnostics.malformed("duration literal", literal, problem, DURATION_HELP)));
  }
}
