package dev.stateless.internal;

/** This node's {@code CLIENT_FIRST} writes still queued for their owner (the offline queue). */
public interface PendingWrites {
  /** Whether any queue exists (until then no key can be pending). */
  boolean any();

  /** Whether the key has queued writes not yet drained. */
  boolean pending(String key);
}
