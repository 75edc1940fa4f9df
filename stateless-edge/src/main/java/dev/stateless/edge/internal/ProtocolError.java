package dev.stateless.edge.internal;

import org.jspecify.annotations.Nullable;

/**
 * What {@link RespRequestDecoder} passes on instead of a request when the input cannot be a
 * request: the connection is answered (or not) and closed, after the requests before it were
 * answered.
 */
public final class ProtocolError {
  private final @Nullable String reply;
  private final String reason;

  private ProtocolError(@Nullable String reply, String reason) {
    this.reply = reply;
    this.reason = reason;
  }

  /** Malformed or over-limit input: {@code -ERR Protocol error: detail}, then close. */
  static ProtocolError malformed(String detail) {
    return new ProtocolError("ERR Protocol error: " + detail, "Protocol error: " + detail);
  }

  /** A request larger than the query buffer limit: closed with no reply, as redis-server does. */
  static ProtocolError queryBufferLimit(long limit) {
    return new ProtocolError(null, "closing client that reached max query buffer length " + limit);
  }

  /** The error reply's text, or null when the connection is closed without one. */
  public @Nullable String reply() {
    return reply;
  }

  /** Why the connection is closed, for the log. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "ProtocolError[" + reason + "]";
  }
}
