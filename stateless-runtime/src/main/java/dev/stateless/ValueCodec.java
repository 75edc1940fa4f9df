package dev.stateless;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stateless.internal.JsonCodec;
import java.lang.reflect.Type;

/**
 * Turns the values that Redis has no form for (records, POJOs, lists, maps, {@code java.time}, ...)
 * into bytes and back. Strings, {@code byte[]}, integers, decimals and booleans never reach a
 * codec: they are stored as the bytes any Redis client reads and writes (UTF-8 text, raw bytes,
 * decimal text, {@code true}/{@code false}), so {@code INCR} works from both sides.
 *
 * <p>The default is {@link #json()}; {@link StatelessCache.Builder#codec(ValueCodec)} replaces it
 * for every component and {@link StatelessCache.Builder#codec(String, ValueCodec)} for one. A value
 * read back must equal the value written. A codec is asked to {@link #decode} with the type the
 * component declares ({@link dev.stateless.annotation.ValueType}), or with the class of the value
 * written when an in-process layer hands out its copy of an untyped component's value.
 *
 * <p>Implementations must be thread-safe, and should not block: decoding runs where a store's reply
 * arrives.
 */
public interface ValueCodec {

  /**
   * Encodes a value.
   *
   * @param value the value, never {@code null}, never a String, {@code byte[]} or number
   * @return its bytes
   * @throws ValueCodecException if it cannot encode the value exactly (the cache adds the key and
   *     writes nothing)
   */
  byte[] encode(Object value);

  /**
   * Decodes bytes into a value of a type.
   *
   * @param bytes the stored bytes (written by {@link #encode} or by another Redis client)
   * @param type the type to return: a {@code Class} or a {@code ParameterizedType}
   * @return the value, an instance of {@code type}
   * @throws ValueCodecException if the bytes are no value of that type (the cache adds the key)
   */
  Object decode(byte[] bytes, Type type);

  /**
   * Returns the default codec: JSON through Jackson, with {@code java.time} types as ISO-8601 text
   * and {@code Optional} supported; unknown properties are ignored on read, so another program may
   * add fields to a stored object.
   *
   * @return the JSON codec
   */
  static ValueCodec json() {
    return JsonCodec.DEFAULT;
  }

  /**
   * Returns a JSON codec over your own Jackson {@code ObjectMapper} (its modules, naming and
   * features). The mapper must not be reconfigured afterwards.
   *
   * @param mapper the mapper
   * @return a codec using it
   */
  static ValueCodec json(ObjectMapper mapper) {
    return new JsonCodec(mapper);
  }
}
