package dev.stateless.internal;

/**
 * Told of every key whose value may have changed in one cache, whatever changed it: a write or
 * delete through any view, a dependent dropped ({@code @Invalidates}), an expiry or eviction in an
 * in-process layer, an invalidation another node published. The edge node's client tracking is
 * built on it. Each call comes after the change is visible to reads, on whichever thread made or
 * received it: an implementation must be thread-safe and must not block. A call too many is
 * harmless (a key written twice, a copy dropped that was not there); a call missing is not.
 */
public interface KeyChangeListener {
  /** Listens to nothing. */
  KeyChangeListener NONE =
      new KeyChangeListener() {
        @Override
        public void keyChanged(String key) {}

        @Override
        public void patternChanged(String pattern) {}

        @Override
        public void everythingChanged() {}
      };

  /** The key's value may have changed. */
  void keyChanged(String key);

  /**
   * Any key the pattern ({@code dev.stateless.core.KeyPattern} syntax) matches may have changed.
   */
  void patternChanged(String pattern);

  /** Any key may have changed: the cache lost track (invalidation events were lost). */
  void everythingChanged();
}
