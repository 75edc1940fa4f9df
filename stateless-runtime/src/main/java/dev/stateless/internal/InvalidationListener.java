package dev.stateless.internal;

import org.jspecify.annotations.Nullable;

/** What a cache does with the invalidations other nodes publish through a shared store. */
public interface InvalidationListener {
  /** Another node wrote or deleted a key. */
  void onKey(@Nullable String owner, String key);

  /**
   * A store that keeps copies of keys owned farther away (an edge node) tells of a key changed
   * there: it has caught up with the key's changes.
   */
  default void onCopyHolderKey(String key) {
    onKey(null, key);
  }

  /**
   * The copies an event of another node's write named are dropped ({@link #onKey}, {@link
   * #onPattern}); {@code writtenMillis} is when the store took the write, by its own clock (a Redis
   * stream entry's id). Only stores whose events carry that time call it.
   */
  default void applied(long writtenMillis) {}

  /** Another node invalidated a pattern. */
  void onPattern(@Nullable String owner, String pattern);

  /** Events of this owner were lost: drop every copy of its keys. */
  void onLost(@Nullable String owner, long missed);

  /** An event read while catching up after a reconnect. */
  void onReplayed();

  /**
   * The events stopped being read (the connection that reads them failed): until they are read
   * again, nothing proves a value read now fresh, so fills in flight must not install their copies.
   */
  void onInterrupted();

  /**
   * The events are read again, and what was missed has been applied: fills whose read began while
   * they were not read must still not install their copies (Redis may have come back from an older
   * snapshot without the counters showing it).
   */
  void onResumed();
}
