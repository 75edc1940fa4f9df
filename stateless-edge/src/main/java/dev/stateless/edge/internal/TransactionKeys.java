package dev.stateless.edge.internal;

import dev.stateless.CacheTransaction;
import dev.stateless.SetOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The keys of one {@code EXEC}: each key's value and expiry as read when {@code EXEC} began, then
 * changed by the queued commands in order, so each command sees the writes of those before it (as
 * in Redis). The keys written are then recorded into one {@code atomicBatch}. One per {@code EXEC},
 * on one thread.
 */
public final class TransactionKeys {
  private static final long NONE = -1;

  private static final class Slot {
    byte @Nullable [] value;
    long expireAtMillis; // NONE: no expiry (the owner's @Ttl, if any, when written)
    boolean written;
  }

  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private final long nowMillis;

  /**
   * @param nowMillis the time of the {@code EXEC}
   */
  TransactionKeys(long nowMillis) {
    this.nowMillis = nowMillis;
  }

  /** Adds a key as read: its value ({@code null}: absent) and {@code PTTL}. */
  void load(String key, byte @Nullable [] value, long pttl) {
    Slot s = new Slot();
    s.value = value;
    s.expireAtMillis = value == null || pttl < 0 ? NONE : nowMillis + pttl;
    slots.put(key, s);
  }

  private Slot slot(String key) {
    Slot s = slots.get(key);
    if (s == null) {
      throw new IllegalStateException("key not loaded for this transaction: " + key);
    }
    return s;
  }

  /** The time of the {@code EXEC}, in milliseconds since the epoch. */
  long nowMillis() {
    return nowMillis;
  }

  /** The key's value, {@code null} when absent. */
  byte @Nullable [] get(String key) {
    return slot(key).value;
  }

  /** Its remaining time to live in ms, {@code -1} for none, {@code -2} when absent. */
  long pttl(String key) {
    Slot s = slot(key);
    if (s.value == null) {
      return -2;
    }
    return s.expireAtMillis == NONE ? -1 : Math.max(0, s.expireAtMillis - nowMillis);
  }

  /**
   * Writes the key: {@code value} ({@code null} deletes it) with {@code ttl}'s expiry; {@code ttl}
   * null keeps the key's expiry.
   */
  void put(String key, byte @Nullable [] value, @Nullable SetOptions ttl) {
    Slot s = slot(key);
    if (value == null || s.value == null) {
      s.expireAtMillis = NONE;
    }
    s.value = value;
    if (ttl != null) {
      Duration d = ttl.ttl();
      s.expireAtMillis = d == null ? NONE : nowMillis + d.toMillis();
    }
    s.written = true;
  }

  /** Sets a present key's expiry: an absolute time in ms, or {@code -1} for none. */
  void expireAt(String key, long atMillis) {
    Slot s = slot(key);
    if (atMillis != NONE && atMillis <= nowMillis) {
      s.value = null;
      s.expireAtMillis = NONE;
    } else {
      s.expireAtMillis = atMillis;
    }
    s.written = true;
  }

  /** The keys written. */
  Set<String> written() {
    Set<String> keys = new LinkedHashSet<>();
    slots.forEach(
        (k, s) -> {
          if (s.written) {
            keys.add(k);
          }
        });
    return keys;
  }

  /** Records the writes into the batch that applies them. */
  void recordInto(CacheTransaction tx) {
    slots.forEach(
        (key, s) -> {
          if (!s.written) {
            return;
          }
          byte[] value = s.value;
          if (value == null) {
            tx.del(key);
          } else if (s.expireAtMillis == NONE) {
            tx.set(key, KeyCommands.value(value));
          } else {
            long left = s.expireAtMillis - nowMillis;
            if (left <= 0) {
              tx.del(key);
            } else {
              tx.set(key, KeyCommands.value(value), SetOptions.ttl(Duration.ofMillis(left)));
            }
          }
        });
  }
}
