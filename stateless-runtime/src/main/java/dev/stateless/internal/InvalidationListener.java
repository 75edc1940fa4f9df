package dev.stateless.internal;

/** What a cache does with the invalidations other nodes publish through a shared store. */
public interface InvalidationListener {
  /** Another node wrote or deleted a key. */
  void onKey(String owner, String key);

  /** Another node invalidated a pattern. */
  void onPattern(String owner, String pattern);

  /** Events of this owner were lost: drop every copy of its keys. */
  void onLost(String owner, long missed);

  /** An event read while catching up after a reconnect. */
  void onReplayed();
}
