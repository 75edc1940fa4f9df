package dev.stateless;

import dev.stateless.internal.StandardCodec;

/**
 * Turns values into bytes for the stores and back. A value read back must equal the value written.
 * The {@linkplain #standard() standard codec} handles {@code String}, {@code byte[]} and the boxed
 * numbers, {@code BigInteger}, {@code BigDecimal}, {@code Boolean} and {@code Map<String, String>}
 * (read back as an unmodifiable map in the same order) with no configuration; install another with
 * {@link StatelessCache.Builder#codec(ValueCodec)}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ValueCodec {

  /**
   * Encodes a value.
   *
   * @param value the value, never {@code null}
   * @return its bytes
   * @throws InvalidStateException (SL105) if the codec cannot encode values of this type
   * @throws IllegalArgumentException if it cannot encode this value exactly, such as the standard
   *     codec for a {@code String} that is not well-formed UTF-16 (half a surrogate pair), which
   *     UTF-8 cannot hold (the cache turns it into an {@link InvalidStateException} naming the key,
   *     and writes nothing)
   */
  byte[] encode(Object value);

  /**
   * Decodes bytes written by {@link #encode(Object)}.
   *
   * @param bytes the stored bytes
   * @return the value
   * @throws IllegalArgumentException if the bytes were not written by this codec (the cache turns
   *     it into an {@link InvalidStateException} naming the key)
   */
  Object decode(byte[] bytes);

  /**
   * Returns the standard codec: a one-byte type tag, then the value as UTF-8 text (strings and
   * numbers, so {@code redis-cli} shows them readably) or raw bytes.
   *
   * @return the standard codec
   */
  static ValueCodec standard() {
    return StandardCodec.INSTANCE;
  }
}
