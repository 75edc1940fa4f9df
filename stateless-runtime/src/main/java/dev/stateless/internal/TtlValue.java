package dev.stateless.internal;

import org.jspecify.annotations.Nullable;

/**
 * A value read from a store with what is left of its TTL, Redis {@code PTTL} style.
 *
 * @param value the encoded value, or null when absent
 * @param pttlMillis the remaining TTL: {@code -1} none, {@code -2} absent, else milliseconds
 */
@SuppressWarnings("ArrayRecordComponent") // an internal carrier, never compared or hashed
public record TtlValue(byte @Nullable [] value, long pttlMillis) {
  /** The value with no TTL information, for reads that leave no copy. */
  public static TtlValue of(byte @Nullable [] value) {
    return new TtlValue(value, -1);
  }

  /**
   * The TTL a copy of it may keep, in nanoseconds: 0 for none, -1 when it expired as it was read
   * (no copy).
   */
  public long copyTtlNanos() {
    return pttlMillis > 0
        ? java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(pttlMillis)
        : pttlMillis == -1 ? 0 : -1;
  }
}
