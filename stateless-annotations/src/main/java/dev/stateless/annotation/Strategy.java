package dev.stateless.annotation;

/** How an operation or a component's data is placed across layers. */
public enum Strategy {
  /** Route by the manifest: writes to the owner's primary layer, reads from the nearest copy. */
  DEFAULT,
  /**
   * Local first (the seeds' {@code offline_first}): writes apply to the client at once and reach
   * the owner layer in the background. Needs the client layer (SL007).
   */
  CLIENT_FIRST,
  /**
   * Served from the edge with TTL-based invalidation (the seeds' {@code EdgeFirst}). Needs EDGE.
   */
  EDGE_OPTIMIZED,
  /**
   * Strong consistency (the seeds' {@code real_time}): never served from a copy that may be stale.
   * Data must live on SERVER, and such code may not call CLIENT_FIRST code (SL008).
   */
  GLOBAL_CONSISTENT,
  /** Plain Redis semantics for code with no manifest yet: keys nobody owns are allowed. */
  REDIS_COMPATIBLE
}
