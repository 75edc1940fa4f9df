package dev.stateless.jcache.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One stored entry: its value's bytes and when it expires (epoch milliseconds, {@link
 * Long#MAX_VALUE} for never). Kept in the runtime as one {@code byte[]}, the expiry first, so every
 * process sharing the store sees the same expiry.
 */
final class Stored {
  static final long ETERNAL = Long.MAX_VALUE;

  final byte[] value;
  final long expireAt;

  Stored(byte[] value, long expireAt) {
    this.value = value;
    this.expireAt = expireAt;
  }

  boolean expiredAt(long now) {
    return expireAt <= now;
  }

  Stored withExpiry(long newExpireAt) {
    return new Stored(value, newExpireAt);
  }

  boolean sameValue(byte[] other) {
    return Arrays.equals(value, other);
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(Long.BYTES + value.length).putLong(expireAt).put(value).array();
  }

  static Stored fromBytes(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long expireAt = buffer.getLong();
    byte[] value = new byte[buffer.remaining()];
    buffer.get(value);
    return new Stored(value, expireAt);
  }
}
