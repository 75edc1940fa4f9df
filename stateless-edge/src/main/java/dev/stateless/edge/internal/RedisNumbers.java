package dev.stateless.edge.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Integers as redis-server reads them ({@code string2ll} in its {@code util.c}). */
final class RedisNumbers {
  private RedisNumbers() {}

  /** Not a number redis-server accepts (and {@link Long#MIN_VALUE}, which no caller needs). */
  static final long INVALID = Long.MIN_VALUE;

  /** {@link #parseLong(ByteBuf, int, int)} over a whole argument. */
  static long parseLong(byte[] bytes) {
    return parseLong(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
  }

  /**
   * The integer in {@code [from, to)}: an optional minus, then digits with no leading zero (only
   * "0" itself), no plus sign, no spaces, within a long; else {@link #INVALID}.
   */
  static long parseLong(ByteBuf in, int from, int to) {
    int length = to - from;
    if (length <= 0 || length > 20) {
      return INVALID;
    }
    int i = from;
    if (length == 1 && in.getByte(i) == '0') {
      return 0;
    }
    boolean negative = false;
    if (in.getByte(i) == '-') {
      negative = true;
      i++;
      if (i == to) {
        return INVALID;
      }
    }
    byte digit = in.getByte(i);
    if (digit < '1' || digit > '9') {
      return INVALID;
    }
    long value = 0;
    for (; i < to; i++) {
      digit = in.getByte(i);
      if (digit < '0' || digit > '9') {
        return INVALID;
      }
      int d = digit - '0';
      // Accumulated negatively: Long.MIN_VALUE has no positive counterpart.
      if (value < (Long.MIN_VALUE + d) / 10) {
        return INVALID;
      }
      value = value * 10 - d;
    }
    if (value == Long.MIN_VALUE) {
      return INVALID;
    }
    return negative ? value : -value;
  }
}
