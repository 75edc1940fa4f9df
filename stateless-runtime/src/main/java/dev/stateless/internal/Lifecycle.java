package dev.stateless.internal;

/** Whether the cache is open; every operation checks it first. */
public final class Lifecycle {
  private volatile boolean closed;

  public boolean isClosed() {
    return closed;
  }

  /** Throws SL105 once the cache is closed. */
  public void checkOpen() {
    if (closed) {
      throw Errors.closed();
    }
  }

  void close() {
    closed = true;
  }
}
