package dev.stateless.edge.internal;

/**
 * Thrown by a command to answer with an error reply from deep in its argument parsing; the {@link
 * Dispatcher} replies with it and the connection goes on.
 */
public final class ReplyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Reply reply;

  /**
   * @param reply the error reply
   */
  public ReplyException(Reply reply) {
    super(null, null, false, false);
    this.reply = reply;
  }

  /** The reply to send. */
  public Reply reply() {
    return reply;
  }
}
