package dev.stateless.internal;

import dev.stateless.ValueCodec;
import dev.stateless.core.Literals;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Tag byte + payload; numbers as decimal text so Lua scripts can increment them in Redis; a {@code
 * Map<String, String>} (a hash, for {@code RedisAdapter.hset}) as length-prefixed texts. Texts are
 * UTF-8, exactly: a String that is no well-formed UTF-16 is refused (IllegalArgumentException),
 * never stored with a {@code ?} in place of half a surrogate pair. A {@code byte[]} is copied once,
 * into its encoding; {@link #encodedLength} sizes a large value without encoding it.
 */
public final class StandardCodec implements ValueCodec {
  public static final StandardCodec INSTANCE = new StandardCodec();

  public static final byte STRING = 's';
  public static final byte BYTES = 'b';
  public static final byte LONG = 'l';
  public static final byte INT = 'i';
  public static final byte SHORT = 'h';
  public static final byte BYTE = 'y';
  public static final byte DOUBLE = 'd';
  public static final byte FLOAT = 'f';
  public static final byte BIG_INTEGER = 'I';
  public static final byte BIG_DECIMAL = 'D';
  public static final byte BOOLEAN = 'z';
  public static final byte MAP = 'H';

  private StandardCodec() {}

  @Override
  public byte[] encode(Object value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof String s) {
      byte[] text = utf8(s);
      byte[] out = new byte[text.length + 1];
      out[0] = STRING;
      System.arraycopy(text, 0, out, 1, text.length);
      return out;
    }
    if (value instanceof byte[] b) {
      byte[] out = new byte[b.length + 1]; // the one copy a written array costs
      out[0] = BYTES;
      System.arraycopy(b, 0, out, 1, b.length);
      return out;
    }
    if (value instanceof Map) {
      return encodeMap((Map<?, ?>) value);
    }
    byte tag;
    if (value instanceof Long) {
      tag = LONG;
    } else if (value instanceof Integer) {
      tag = INT;
    } else if (value instanceof Short) {
      tag = SHORT;
    } else if (value instanceof Byte) {
      tag = BYTE;
    } else if (value instanceof Double) {
      tag = DOUBLE;
    } else if (value instanceof Float) {
      tag = FLOAT;
    } else if (value instanceof BigInteger) {
      tag = BIG_INTEGER;
    } else if (value instanceof BigDecimal) {
      tag = BIG_DECIMAL;
    } else if (value instanceof Boolean) {
      tag = BOOLEAN;
    } else {
      throw Errors.cannotEncode(value);
    }
    byte[] text = value.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[text.length + 1];
    out[0] = tag;
    System.arraycopy(text, 0, out, 1, text.length);
    return out;
  }

  /**
   * The length of a value's encoding, computed without making it: for a {@code String}, {@code
   * byte[]} or {@code Map} (the values that can be large); -1 for the others (small) and for what
   * the codec does not take. Lets a too large value be refused before it is copied.
   *
   * @throws IllegalArgumentException as {@link #encode} does for text that is no well-formed UTF-16
   */
  public static long encodedLength(Object value) {
    if (value instanceof String s) {
      return 1L + utf8Length(s);
    }
    if (value instanceof byte[] b) {
      return 1L + b.length;
    }
    if (value instanceof Map<?, ?> map) {
      long n = 1;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v)) {
          return -1;
        }
        n += 8L + utf8Length(k) + utf8Length(v);
      }
      return n;
    }
    return -1;
  }

  /**
   * A text's UTF-8, exactly: a text that is no well-formed UTF-16 has none (String.getBytes would
   * write "?" for the unpaired half, silently changing the value), so it is refused.
   */
  private static byte[] utf8(String s) {
    checkWellFormed(s);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void checkWellFormed(String s) {
    int bad = Literals.unpairedSurrogate(s);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "the String has an " + Literals.describeUnpaired(s, bad) + ", which UTF-8 cannot hold");
    }
  }

  /** The UTF-8 length of a text, counted without encoding it; refused as {@link #utf8} does. */
  private static long utf8Length(String s) {
    checkWellFormed(s);
    return Literals.utf8Length(s);
  }

  /** A hash: its entries in order, each text as a 4-byte length and UTF-8. */
  private static byte[] encodeMap(Map<?, ?> map) {
    long n = encodedLength(map);
    if (n < 0) {
      throw Errors.cannotEncode(map);
    }
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("the hash's encoding exceeds one Java array");
    }
    byte[] out = new byte[(int) n];
    out[0] = MAP;
    int at = 1;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      at = writeText(out, at, (String) e.getKey());
      at = writeText(out, at, (String) e.getValue());
    }
    return out;
  }

  private static int writeText(byte[] out, int at, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8); // well-formed: encodedLength checked it
    out[at] = (byte) (b.length >>> 24);
    out[at + 1] = (byte) (b.length >>> 16);
    out[at + 2] = (byte) (b.length >>> 8);
    out[at + 3] = (byte) b.length;
    System.arraycopy(b, 0, out, at + 4, b.length);
    return at + 4 + b.length;
  }

  private static Map<String, String> decodeMap(byte[] bytes) {
    Map<String, String> map = new LinkedHashMap<>();
    int i = 1;
    while (i < bytes.length) {
      String[] kv = new String[2];
      for (int k = 0; k < 2; k++) {
        if (i + 4 > bytes.length) {
          throw new IllegalArgumentException("truncated hash value");
        }
        int n =
            ((bytes[i] & 0xff) << 24)
                | ((bytes[i + 1] & 0xff) << 16)
                | ((bytes[i + 2] & 0xff) << 8)
                | (bytes[i + 3] & 0xff);
        i += 4;
        if (n < 0 || n > bytes.length - i) {
          throw new IllegalArgumentException("truncated hash value");
        }
        kv[k] = new String(bytes, i, n, StandardCharsets.UTF_8);
        i += n;
      }
      map.put(kv[0], kv[1]);
    }
    return Collections.unmodifiableMap(map);
  }

  @Override
  public Object decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty value, no type tag");
    }
    byte tag = bytes[0];
    if (tag == BYTES) {
      return Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (tag == MAP) {
      return decodeMap(bytes);
    }
    String text = new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
    return switch (tag) {
      case STRING -> text;
      case LONG -> Long.valueOf(text);
      case INT -> Integer.valueOf(text);
      case SHORT -> Short.valueOf(text);
      case BYTE -> Byte.valueOf(text);
      case DOUBLE -> Double.valueOf(text);
      case FLOAT -> Float.valueOf(text);
      case BIG_INTEGER -> new BigInteger(text);
      case BIG_DECIMAL -> new BigDecimal(text);
      case BOOLEAN -> Boolean.valueOf(text);
      default ->
          throw new IllegalArgumentException(
              "unknown type tag 0x" + Integer.toHexString(tag & 0xff));
    };
  }

  @Override
  public String toString() {
    return "ValueCodec.standard()";
  }
}
