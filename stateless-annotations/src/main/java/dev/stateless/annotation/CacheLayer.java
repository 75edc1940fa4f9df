package dev.stateless.annotation;

/** The three layers of a stateless cache, nearest to the user first. */
public enum CacheLayer {
  /** In the application process: local-first, offline-capable. */
  CLIENT,
  /** A regional node: enforces TTLs, relays invalidations, serves nearby clients. */
  EDGE,
  /** The source of truth (Redis): global state, strong consistency. */
  SERVER
}
