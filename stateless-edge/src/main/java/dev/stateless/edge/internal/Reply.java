package dev.stateless.edge.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One reply to a client, written in the connection's protocol: RESP2, or RESP3 after {@code HELLO
 * 3}. The RESP3-only types (map, set, null, double, boolean, verbatim, push) fall back to the RESP2
 * form redis-server uses for each.
 *
 * <p>Simple strings and errors are Latin-1 strings, one char per byte, so a client's bytes quoted
 * in an error (an unknown command's name) go back unchanged.
 */
public interface Reply {

  /** {@code +OK}. */
  Reply OK = simple("OK");

  /** A bulk string that is absent: {@code $-1} in RESP2, {@code _} in RESP3. */
  Reply NULL_BULK = new Null(new byte[] {'$', '-', '1', '\r', '\n'});

  /** An array that is absent: {@code *-1} in RESP2, {@code _} in RESP3. */
  Reply NULL_ARRAY = new Null(new byte[] {'*', '-', '1', '\r', '\n'});

  /**
   * Writes this reply.
   *
   * @param out where the bytes go
   * @param protocol 2 or 3
   */
  void writeTo(ByteBuf out, int protocol);

  /** {@code +text}. */
  static Reply simple(String text) {
    return new Simple('+', text);
  }

  /**
   * {@code -text}: text starts with the error's code ({@code ERR}, {@code NOAUTH}, ...); carriage
   * returns and line feeds in it become spaces, as redis-server does.
   */
  static Reply error(String text) {
    return new Simple('-', text.replace('\r', ' ').replace('\n', ' '));
  }

  /** {@code :value}. */
  static Reply integer(long value) {
    return new Int(value);
  }

  /** {@code $len bytes}. */
  static Reply bulk(byte[] value) {
    return new Bulk(value);
  }

  /** A bulk string of the UTF-8 bytes of {@code value}. */
  static Reply bulk(String value) {
    return new Bulk(value.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code *n} followed by the elements. */
  static Reply array(List<Reply> elements) {
    return new Aggregate('*', '*', List.copyOf(elements));
  }

  /** A RESP3 set ({@code ~n}); an array in RESP2. */
  static Reply set(List<Reply> elements) {
    return new Aggregate('~', '*', List.copyOf(elements));
  }

  /** A RESP3 push ({@code >n}); an array in RESP2. */
  static Reply push(List<Reply> elements) {
    return new Aggregate('>', '*', List.copyOf(elements));
  }

  /**
   * A RESP3 map ({@code %n}) of alternating keys and values; in RESP2 the flat array of them.
   *
   * @throws IllegalArgumentException if {@code keysAndValues} has an odd size
   */
  static Reply map(List<Reply> keysAndValues) {
    if (keysAndValues.size() % 2 != 0) {
      throw new IllegalArgumentException("odd number of map elements: " + keysAndValues.size());
    }
    return new MapReply(List.copyOf(keysAndValues));
  }

  /** A RESP3 boolean ({@code #t}/{@code #f}); {@code :1}/{@code :0} in RESP2. */
  static Reply bool(boolean value) {
    return new Bool(value);
  }

  /** A RESP3 double ({@code ,value}); a bulk string of the same text in RESP2. */
  static Reply doubleValue(double value) {
    return new DoubleReply(value);
  }

  /**
   * A RESP3 verbatim string ({@code =len fmt:text}, {@code fmt} three characters such as {@code
   * txt}); a bulk string of the text in RESP2.
   */
  static Reply verbatim(String format, String text) {
    if (format.length() != 3) {
      throw new IllegalArgumentException("verbatim format must be 3 characters: " + format);
    }
    return new Verbatim(format, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A reply that comes later: a command that waits on the node's cache. The connection answers it,
   * and every request after it, in order, once it completes.
   */
  static Reply later(CompletableFuture<Reply> reply) {
    return new Deferred(reply);
  }

  /** {@link #later}: never written itself, only the reply it completes with. */
  final class Deferred implements Reply {
    private final CompletableFuture<Reply> reply;

    Deferred(CompletableFuture<Reply> reply) {
      this.reply = reply;
    }

    /** The reply, once the command completes. */
    public CompletableFuture<Reply> reply() {
      return reply;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      throw new IllegalStateException("a deferred reply is written once it completes");
    }
  }

  private static void writeLength(ByteBuf out, char type, long length) {
    out.writeByte(type);
    writeDecimal(out, length);
    out.writeShort(CRLF);
  }

  private static void writeDecimal(ByteBuf out, long value) {
    if (value >= 0 && value < 10) {
      out.writeByte('0' + (int) value);
    } else {
      out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
    }
  }

  /** {@code \r\n} as one short. */
  int CRLF = ('\r' << 8) | '\n';

  /** A simple string or an error. */
  final class Simple implements Reply {
    private final byte[] encoded;

    Simple(char type, String text) {
      byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
      encoded = new byte[body.length + 3];
      encoded[0] = (byte) type;
      System.arraycopy(body, 0, encoded, 1, body.length);
      encoded[encoded.length - 2] = '\r';
      encoded[encoded.length - 1] = '\n';
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      out.writeBytes(encoded);
    }

    /** Whether this is an error reply. */
    boolean isError() {
      return encoded[0] == '-';
    }

    @Override
    public String toString() {
      return new String(encoded, 0, encoded.length - 2, StandardCharsets.ISO_8859_1);
    }
  }

  /** An integer. */
  final class Int implements Reply {
    private final long value;

    Int(long value) {
      this.value = value;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      writeLength(out, ':', value);
    }
  }

  /** A bulk string. */
  final class Bulk implements Reply {
    private final byte[] value;

    Bulk(byte[] value) {
      this.value = value;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      writeLength(out, '$', value.length);
      out.writeBytes(value);
      out.writeShort(CRLF);
    }
  }

  /** Null: one RESP3 form, two RESP2 forms. */
  final class Null implements Reply {
    private final byte[] resp2;

    Null(byte[] resp2) {
      this.resp2 = resp2;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      if (protocol >= 3) {
        out.writeByte('_');
        out.writeShort(CRLF);
      } else {
        out.writeBytes(resp2);
      }
    }
  }

  /** An array, set or push. */
  final class Aggregate implements Reply {
    private final char resp3Type;
    private final char resp2Type;
    private final List<Reply> elements;

    Aggregate(char resp3Type, char resp2Type, List<Reply> elements) {
      this.resp3Type = resp3Type;
      this.resp2Type = resp2Type;
      this.elements = elements;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      writeLength(out, protocol >= 3 ? resp3Type : resp2Type, elements.size());
      for (Reply element : elements) {
        element.writeTo(out, protocol);
      }
    }
  }

  /** A map. */
  final class MapReply implements Reply {
    private final List<Reply> keysAndValues;

    MapReply(List<Reply> keysAndValues) {
      this.keysAndValues = keysAndValues;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      if (protocol >= 3) {
        writeLength(out, '%', keysAndValues.size() / 2);
      } else {
        writeLength(out, '*', keysAndValues.size());
      }
      for (Reply element : keysAndValues) {
        element.writeTo(out, protocol);
      }
    }
  }

  /** A boolean. */
  final class Bool implements Reply {
    private final boolean value;

    Bool(boolean value) {
      this.value = value;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      if (protocol >= 3) {
        out.writeByte('#');
        out.writeByte(value ? 't' : 'f');
        out.writeShort(CRLF);
      } else {
        writeLength(out, ':', value ? 1 : 0);
      }
    }
  }

  /** A double, in redis-server's text for it ({@code inf}, {@code -inf}, {@code nan}). */
  final class DoubleReply implements Reply {
    private final byte[] text;

    DoubleReply(double value) {
      String s;
      if (Double.isNaN(value)) {
        s = "nan";
      } else if (Double.isInfinite(value)) {
        s = value > 0 ? "inf" : "-inf";
      } else if (value == Math.rint(value) && Math.abs(value) < 1e17) {
        s = Long.toString((long) value);
      } else {
        s = Double.toString(value);
      }
      text = s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      if (protocol >= 3) {
        out.writeByte(',');
        out.writeBytes(text);
        out.writeShort(CRLF);
      } else {
        writeLength(out, '$', text.length);
        out.writeBytes(text);
        out.writeShort(CRLF);
      }
    }
  }

  /** A verbatim string. */
  final class Verbatim implements Reply {
    private final String format;
    private final byte[] text;

    Verbatim(String format, byte[] text) {
      this.format = format;
      this.text = text;
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      if (protocol >= 3) {
        writeLength(out, '=', text.length + 4L);
        out.writeCharSequence(format, StandardCharsets.US_ASCII);
        out.writeByte(':');
      } else {
        writeLength(out, '$', text.length);
      }
      out.writeBytes(text);
      out.writeShort(CRLF);
    }
  }
}
