package dev.stateless.edge.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys connections {@code WATCH}, Redis's {@code watched_keys}: a write of one through the node
 * marks every connection watching it dirty, so its {@code EXEC} fails. Thread-safe.
 */
final class Watches {
  private final ConcurrentHashMap<String, Set<MultiState>> byKey = new ConcurrentHashMap<>();

  void watch(String key, MultiState state) {
    byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(state);
  }

  void unwatch(String key, MultiState state) {
    byKey.computeIfPresent(
        key,
        (k, states) -> {
          states.remove(state);
          return states.isEmpty() ? null : states;
        });
  }

  /** A write of {@code key} completed. */
  void touch(String key) {
    if (byKey.isEmpty()) {
      return;
    }
    Set<MultiState> states = byKey.get(key);
    if (states != null) {
      states.forEach(MultiState::touched);
    }
  }

  /** Every key changed ({@code FLUSHDB}). */
  void touchAll() {
    byKey.values().forEach(states -> states.forEach(MultiState::touched));
  }

  /** Keys watched by some connection (for tests and {@code INFO}). */
  int size() {
    return byKey.size();
  }
}
