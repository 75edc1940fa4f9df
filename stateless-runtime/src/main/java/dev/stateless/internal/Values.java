package dev.stateless.internal;

import dev.stateless.ValueCodec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A value on its way into the cache and out of it: encoded once (the bytes a remote store gets),
 * kept by value (no caller can change what others read), and copied out when mutable.
 *
 * <p>A written {@code byte[]} is copied once, not three times: its encoding is the copy, and an
 * in-process store keeps that very array ({@link EncodedBytes}), decoded (copied) only when it is
 * read out. So a value of a third of the heap can be written.
 */
public final class Values {
  private Values() {}

  /**
   * A {@code byte[]} value as an in-process store keeps it: the codec's encoding of it, which is
   * also what a remote store receives. Never changed, never handed out: {@link #copyOut} decodes it
   * into a new array.
   */
  public static final class EncodedBytes {
    private final ValueCodec codec;
    private final byte[] encoded;

    EncodedBytes(ValueCodec codec, byte[] encoded) {
      this.codec = codec;
      this.encoded = encoded;
    }

    @Override
    public String toString() {
      return "byte[] (" + encoded.length + " bytes encoded)";
    }
  }

  /**
   * A value encoded for a write.
   *
   * @param bytes its encoding, for a remote store (and its size)
   * @param stored what an in-process store keeps: shares {@code bytes} for a {@code byte[]}
   */
  @SuppressWarnings("ArrayRecordComponent") // an internal carrier, never compared or hashed
  public record Encoded(byte[] bytes, Object stored) {}

  /**
   * Encodes a value for a write of {@code key}, refusing what {@code to}, the remote store it goes
   * to (null: none), cannot take in one command, before anything is sent. A value the codec refuses
   * (a String that is no well-formed UTF-16) is SL105 naming the key. At most one copy of the value
   * is made: the encoding, which the stored value shares.
   */
  public static Encoded encode(
      ValueCodec codec, String key, Object value, @Nullable RemoteStore to) {
    byte[] bytes;
    try {
      if (to != null && codec == StandardCodec.INSTANCE) {
        long size = StandardCodec.encodedLength(value); // refused before a copy is made
        if (size >= 0) {
          to.checkFits(key, size);
        }
      }
      bytes = codec.encode(value);
    } catch (IllegalArgumentException e) {
      throw Errors.cannotEncodeValue(key, value, e.getMessage());
    }
    if (to != null) {
      to.checkFits(key, bytes.length);
    }
    Object stored = value instanceof byte[] ? new EncodedBytes(codec, bytes) : storedCopy(value);
    return new Encoded(bytes, stored);
  }

  /** The encoding of a value an in-process store keeps (what {@link #encode} made of it). */
  public static byte[] encoded(ValueCodec codec, Object stored) {
    return stored instanceof EncodedBytes b ? b.encoded : codec.encode(stored);
  }

  /** Values leave the cache as copies when mutable, so no caller can change what others read. */
  public static @Nullable Object copyOut(@Nullable Object value) {
    if (value instanceof EncodedBytes b) {
      return b.codec.decode(b.encoded);
    }
    return value instanceof byte[] bytes ? bytes.clone() : value;
  }

  /**
   * What an in-process store keeps of a written value other than a {@code byte[]} (see {@link
   * #encode}): a copy of a mutable map, so a caller that changes its object afterwards changes
   * nothing in the cache.
   */
  private static Object storedCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
    return value;
  }

  /** A value's type for a message: what the caller wrote ({@code byte[]} for a kept array). */
  public static String typeName(Object value) {
    return value instanceof EncodedBytes ? "byte[]" : value.getClass().getSimpleName();
  }
}
