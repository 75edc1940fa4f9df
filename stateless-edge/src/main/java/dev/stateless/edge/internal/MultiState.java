package dev.stateless.edge.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One connection's transaction state, Redis's {@code multiState} and watched keys: the commands
 * queued since {@code MULTI}, whether one was refused (then {@code EXEC} aborts), the keys it
 * {@code WATCH}es with the value each had then, and whether one was written since. Used on the
 * connection's event loop, except {@link #touched()} (any thread).
 */
final class MultiState {
  /** A command queued after {@code MULTI}. */
  record Queued(CommandSpec spec, Request request) {}

  /** A watched key that was absent. */
  static final byte[] ABSENT = new byte[0];

  private @Nullable List<Queued> queue;
  private boolean aborted;
  private final Map<String, byte[]> watched = new LinkedHashMap<>();
  private @Nullable Watches watches;
  private volatile boolean dirty;
  private boolean watchedBefore;

  /** True the first time only: the connection's first {@code WATCH}. */
  boolean firstWatch() {
    boolean first = !watchedBefore;
    watchedBefore = true;
    return first;
  }

  /** Whether {@code MULTI} was called and neither {@code EXEC} nor {@code DISCARD} yet. */
  boolean open() {
    return queue != null;
  }

  void begin() {
    queue = new ArrayList<>();
    aborted = false;
  }

  void queue(CommandSpec spec, Request request) {
    if (queue != null) {
      queue.add(new Queued(spec, request));
    }
  }

  /** A command was refused while queueing: {@code EXEC} will abort. */
  void abort() {
    if (queue != null) {
      aborted = true;
    }
  }

  boolean aborted() {
    return aborted;
  }

  List<Queued> queued() {
    return queue == null ? List.of() : Collections.unmodifiableList(queue);
  }

  /** Ends the transaction ({@code DISCARD}, {@code RESET}); the watches end too. */
  void end() {
    close();
    unwatchAll();
  }

  /** Ends the queueing ({@code EXEC}); the watches stay registered until it checked them. */
  void close() {
    queue = null;
    aborted = false;
  }

  /**
   * The watched keys and their values, forgotten here; {@code EXEC} unregisters them once it has
   * checked {@link #dirty()}.
   */
  /** Whether any key is watched. */
  boolean watching() {
    return !watched.isEmpty();
  }

  Map<String, byte[]> takeWatched() {
    Map<String, byte[]> taken = new LinkedHashMap<>(watched);
    watched.clear();
    return taken;
  }

  void watch(Watches registry, String key, byte @Nullable [] value) {
    watches = registry;
    if (watched.isEmpty()) {
      dirty = false; // a new set of watches: a late touch of the previous one does not count
    }
    if (!watched.containsKey(key)) {
      registry.watch(key, this);
    }
    watched.put(key, value == null ? ABSENT : value);
  }

  /** The watched keys and the value each had ({@link #ABSENT} when none). */
  Map<String, byte[]> watched() {
    return Collections.unmodifiableMap(watched);
  }

  boolean dirty() {
    return dirty;
  }

  void touched() {
    dirty = true;
  }

  /** The watches were checked and dropped ({@code EXEC}). */
  void clean() {
    dirty = false;
  }

  void unwatchAll() {
    Watches registry = watches;
    if (registry != null) {
      watched.keySet().forEach(key -> registry.unwatch(key, this));
    }
    watched.clear();
    dirty = false;
  }
}
