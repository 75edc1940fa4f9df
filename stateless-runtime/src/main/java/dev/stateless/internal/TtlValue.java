package dev.stateless.internal;

import org.jspecify.annotations.Nullable;

/**
 * A value read from a store with what is left of its TTL, Redis {@code PTTL} style, and the version
 * of the key's last write.
 *
 * @param value the encoded value, or null when absent
 * @param pttlMillis the remaining TTL: {@code -1} none, {@code -2} absent, else milliseconds
 * @param version the version of the key's last write (a remote store's, see {@link Entry#version});
 *     0 when unknown
 */
@SuppressWarnings("ArrayRecordComponent") // an internal carrier, never compared or hashed
public record TtlValue(byte @Nullable [] value, long pttlMillis, long version) {
  public TtlValue(byte @Nullable [] value, long pttlMillis) {
    this(value, pttlMillis, 0);
  }

  /** The value with no TTL information, for reads that leave no copy. */
  public static TtlValue of(byte @Nullable [] value) {
    return new TtlValue(value, -1);
  }

  /** This value with the version of the write that left it. */
  public TtlValue withVersion(long v) {
    return new TtlValue(value, pttlMillis, v);
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
