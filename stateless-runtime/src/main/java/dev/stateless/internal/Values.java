package dev.stateless.internal;

import dev.stateless.ValueCodec;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * A value on its way into the cache and out of it: encoded once (the bytes a remote store gets,
 * {@link ValueType}), kept by value (no caller can change what others read), and copied out when
 * mutable. Stored by value as JCache's default is: an immutable value ({@link Immutables}) is kept
 * as it is; a {@code byte[]} as its bytes ({@link EncodedBytes}), copied when read out; any other
 * value as its encoding ({@link EncodedValue}), decoded into a new object on every read.
 *
 * <p>A written {@code byte[]} is copied once, not three times: its encoding is the copy, and an
 * in-process store keeps that very array, copied only when it is read out. So a value of a third of
 * the heap can be written.
 */
public final class Values {
  private Values() {}

  /**
   * A {@code byte[]} value as an in-process store keeps it: its encoding, which is also what a
   * remote store receives. Never changed, never handed out: {@link #copyOut} copies it.
   */
  public static final class EncodedBytes {
    final byte[] bytes;

    EncodedBytes(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String toString() {
      return "byte[] (" + bytes.length + " bytes)";
    }
  }

  /**
   * A mutable value as an in-process store keeps it: its encoding, decoded by {@link #copyOut} into
   * a new object for each reader.
   */
  public static final class EncodedValue {
    final byte[] bytes;
    final Type type;
    final ValueCodec codec;
    final String key;

    EncodedValue(byte[] bytes, Type type, ValueCodec codec, String key) {
      this.bytes = bytes;
      this.type = type;
      this.codec = codec;
      this.key = key;
    }

    Object decode() {
      try {
        return codec.decode(bytes, type);
      } catch (RuntimeException e) {
        throw Errors.cannotDecode(key, null, Errors.problemOf(e), e);
      }
    }

    @Override
    public String toString() {
      return type.getTypeName() + " (" + bytes.length + " bytes encoded)";
    }
  }

  /**
   * A value encoded for a write.
   *
   * @param bytes its encoding, for a remote store (and its size)
   * @param stored what an in-process store keeps: the value when immutable, else its encoding
   */
  @SuppressWarnings("ArrayRecordComponent") // an internal carrier, never compared or hashed
  public record Encoded(byte[] bytes, Object stored) {}

  /**
   * Encodes a value for a write of {@code key}, refusing a value of another type than the owner
   * declares (SL014) and what {@code to}, the remote store it goes to (null: none), cannot take in
   * one command, before anything is sent. A value the codec refuses (a String that is no
   * well-formed UTF-16) is SL105 naming the key. At most one copy of a {@code byte[]} is made.
   */
  public static Encoded encode(ValueType type, String key, Object value, @Nullable RemoteStore to) {
    type.check(key, value);
    if (to != null) {
      long size = type.encodedLength(key, value); // refused before a copy is made
      if (size >= 0) {
        to.checkFits(key, size);
      }
    }
    byte[] bytes = type.encode(key, value);
    if (to != null) {
      to.checkFits(key, bytes.length);
    }
    return new Encoded(bytes, stored(type, key, value, bytes));
  }

  /** What an in-process store keeps of a value whose encoding is {@code bytes}. */
  static Object stored(ValueType type, String key, Object value, byte[] bytes) {
    if (value instanceof byte[]) {
      return new EncodedBytes(bytes);
    }
    if (Immutables.isImmutable(value.getClass())) {
      return value;
    }
    return new EncodedValue(bytes, type.decodeType(value), type.codec, key);
  }

  /** The encoding of a value an in-process store keeps (what {@link #encode} made of it). */
  public static byte[] encoded(ValueType type, String key, Object stored) {
    if (stored instanceof EncodedBytes b) {
      return b.bytes;
    }
    if (stored instanceof EncodedValue v) {
      return v.bytes;
    }
    return type.encode(key, stored);
  }

  /** Values leave the cache as copies when mutable, so no caller can change what others read. */
  public static @Nullable Object copyOut(@Nullable Object stored) {
    if (stored instanceof EncodedBytes b) {
      return b.bytes.clone();
    }
    if (stored instanceof EncodedValue v) {
      return v.decode();
    }
    return stored;
  }

  /** A value's type for a message: what the caller wrote ({@code byte[]} for a kept array). */
  public static String typeName(Object value) {
    if (value instanceof EncodedBytes) {
      return "byte[]";
    }
    if (value instanceof EncodedValue v) {
      return v.type.getTypeName();
    }
    return value.getClass().getTypeName();
  }
}
