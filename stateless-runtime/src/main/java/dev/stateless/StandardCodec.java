package dev.stateless;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Tag byte + payload; numbers as decimal text so Lua scripts can increment them in Redis. */
final class StandardCodec implements ValueCodec {
  static final StandardCodec INSTANCE = new StandardCodec();

  static final byte STRING = 's';
  static final byte BYTES = 'b';
  static final byte LONG = 'l';
  static final byte INT = 'i';
  static final byte SHORT = 'h';
  static final byte BYTE = 'y';
  static final byte DOUBLE = 'd';
  static final byte FLOAT = 'f';
  static final byte BIG_INTEGER = 'I';
  static final byte BIG_DECIMAL = 'D';
  static final byte BOOLEAN = 'z';

  private StandardCodec() {}

  @Override
  public byte[] encode(Object value) {
    if (value instanceof String) {
      return tagged(STRING, ((String) value).getBytes(StandardCharsets.UTF_8));
    }
    if (value instanceof byte[]) {
      return tagged(BYTES, (byte[]) value);
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
    String text = new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
    switch (tag) {
      case STRING:
        return text;
      case LONG:
        return Long.valueOf(text);
      case INT:
        return Integer.valueOf(text);
      case SHORT:
        return Short.valueOf(text);
      case BYTE:
        return Byte.valueOf(text);
      case DOUBLE:
        return Double.valueOf(text);
      case FLOAT:
        return Float.valueOf(text);
      case BIG_INTEGER:
        return new BigInteger(text);
      case BIG_DECIMAL:
        return new BigDecimal(text);
      case BOOLEAN:
        return Boolean.valueOf(text);
      default:
        throw new IllegalArgumentException("unknown type tag 0x" + Integer.toHexString(tag & 0xff));
    }
  }

  @Override
  public String toString() {
    return "ValueCodec.standard()";
  }
}
