package dev.stateless.internal;

import dev.stateless.ValueCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tag byte + payload; numbers as decimal text so Lua scripts can increment them in Redis; a {@code
 * Map<String, String>} (a hash, for {@code RedisAdapter.hset}) as length-prefixed texts.
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
    if (value instanceof String s) {
      return tagged(STRING, s.getBytes(StandardCharsets.UTF_8));
    }
    if (value instanceof byte[] b) {
      return tagged(BYTES, b);
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
    return tagged(tag, value.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** A hash: its entries in order, each text as a 4-byte length and UTF-8. */
  private static byte[] encodeMap(Map<?, ?> map) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(MAP);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
        throw Errors.cannotEncode(map);
      }
      writeText(out, (String) e.getKey());
      writeText(out, (String) e.getValue());
    }
    return out.toByteArray();
  }

  private static void writeText(java.io.ByteArrayOutputStream out, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >>> 24);
    out.write(b.length >>> 16);
    out.write(b.length >>> 8);
    out.write(b.length);
    out.write(b, 0, b.length);
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

  private static byte[] tagged(byte tag, byte[] payload) {
    byte[] out = new byte[payload.length + 1];
    out[0] = tag;
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }

  @Override
  public Object decode(byte[] bytes) {
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
