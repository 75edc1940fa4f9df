package dev.stateless.edge.internal;

/** The node's time, injected so tests control it. */
public interface NodeClock {

  /** The system clock. */
  NodeClock SYSTEM = System::currentTimeMillis;

  /** Milliseconds since the epoch. */
  long millis();
}
