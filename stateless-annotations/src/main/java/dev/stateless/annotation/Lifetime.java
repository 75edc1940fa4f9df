package dev.stateless.annotation;

/** How long entries created by a {@link CacheAccess} method may live (rule SL010). */
public enum Lifetime {
  /** No lifetime bound: entries live until deleted, evicted or expired. */
  NONE,
  /** Entries live until the request scope closes; scoped writes are only allowed here. */
  REQUEST,
  /** Entries live until the session ends; every write needs a cleanup callback. */
  SESSION
}
