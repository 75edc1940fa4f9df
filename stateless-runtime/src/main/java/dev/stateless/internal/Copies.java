package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stateless.annotation.CacheLayer;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Copies of an owner's values in the in-process layers nearer than the owner's, and the generation
 * fence that keeps them honest, written once: a copy is installed only if the key's {@link
 * Generations#token} has not moved since the read it came from, and taken back (exactly it) if the
 * token moved while it was installed; until that second check passes, readers do not see it ({@link
 * Entry#unconfirmed}). So a value read before an invalidation is never seen after it. This node's
 * queued {@code CLIENT_FIRST} writes ({@link PendingWrites}) are never overwritten by a copy, even
 * when their entry was evicted.
 */
public final class Copies {
  private final Generations generations;
  private final Metrics metrics;
  private final PendingWrites pending;

  /** How long an "absent" marker is kept after a read found no value; 0: none kept. */
  private final long negativeNanos;

  /**
   * Keys changed in their owner's layer that a remote layer nearer to it, which keeps copies (an
   * edge node reading through to the owner), may not have caught up with yet: reads skip that layer
   * for them ({@link #behind}) until it tells of the change itself ({@link #caughtUp}), or for
   * {@value #BEHIND_SECONDS} s at most. Else a read right after a write could fill this node's copy
   * with the value before it, from a node that has not applied the owner's event yet.
   */
  private final Cache<String, Boolean> behind =
      Caffeine.newBuilder()
          .expireAfterWrite(Duration.ofSeconds(BEHIND_SECONDS))
          .maximumSize(BEHIND_MAX_KEYS)
          .build();

  public static final int BEHIND_SECONDS = 30;
  private static final long BEHIND_MAX_KEYS = 100_000;

  /**
   * When each key was last marked {@link #behind} (a number of {@link #marks}), kept when the layer
   * catches up: a read through that layer which began before a mark does not use what it read
   * ({@link #markedSince}), even if the layer told of the key meanwhile (its reply to the read may
   * have come before it applied the change).
   */
  private final Cache<String, Long> markedAt =
      Caffeine.newBuilder()
          .expireAfterWrite(Duration.ofSeconds(BEHIND_SECONDS))
          .maximumSize(BEHIND_MAX_KEYS)
          .build();

  private final java.util.concurrent.atomic.AtomicLong marks =
      new java.util.concurrent.atomic.AtomicLong();

  /** Told of each key dropped here, after the drop: every write's, every received event's. */
  private volatile KeyChangeListener changes = KeyChangeListener.NONE;

  Copies(Generations generations, Metrics metrics, PendingWrites pending, long negativeNanos) {
    this.generations = generations;
    this.metrics = metrics;
    this.pending = pending;
    this.negativeNanos = negativeNanos;
  }

  /**
   * Installs a copy if the key's generation is still {@code token} and its owner's invalidations
   * are being received, and takes exactly it back if that changed meanwhile; returns whether it
   * stays. A copy filled while the events are not read could never be proven fresh: when they are
   * read again, only the copies made before are checked against what was missed (and a Redis that
   * came back from an older snapshot meanwhile may not show in its counters).
   */
  public boolean install(Region region, String key, Entry e, long token) {
    return install(region, -1, key, e, token);
  }

  /**
   * {@link #install(Region, String, Entry, long)} into the region of {@code layer} (by ordinal),
   * counted and timed as a write to that layer when metered ({@code -1}: not counted).
   */
  public boolean install(Region region, int layer, String key, Entry e, long token) {
    if (layer < 0 || !metrics.metered) {
      return fence(region, key, e, token);
    }
    long start = metrics.start(layer);
    boolean installed = fence(region, key, e, token);
    metrics.timed(layer, Metrics.SET, start);
    if (installed && !e.isAbsent()) {
      metrics.put(e.source, layer);
    }
    return installed;
  }

  private boolean fence(Region region, String key, Entry e, long token) {
    if (!e.source.primaryLive() || !generations.fillable(key, token)) {
      metrics.fillRacesAvoided.increment();
      return false;
    }
    // Hidden from readers until the second check: a drop may begin and end between the first
    // check and the put, and a reader that comes after that drop must not see this copy even for
    // the instant before it is taken back.
    e.unconfirmed = true;
    if (!pending.any()) {
      region.put(key, e);
    } else if (region.compute(key, (k, cur) -> keepsPending(k, cur) ? cur : e) != e) {
      return false;
    }
    if (!e.source.primaryLive() || !generations.fillable(key, token)) {
      region.remove(key, e);
      metrics.fillRacesAvoided.increment();
      return false;
    }
    e.unconfirmed = false;
    return true;
  }

  private boolean keepsPending(String key, Entry cur) {
    return (cur != null && cur.pending) || pending.pending(key);
  }

  /**
   * Leaves copies in the in-process layers nearer than {@code found}, where the route allows; stops
   * at the first the fence refuses. {@code ttlNanos}: 0 none, below 0 no copy (it expired as read);
   * {@code version}: the owner's version of the value ({@link Entry#version}), 0 unknown.
   */
  void fillNearer(
      Route r,
      String key,
      int found,
      @Nullable Object value,
      int weight,
      long ttlNanos,
      long version,
      long token) {
    if (ttlNanos < 0) {
      return;
    }
    for (int l = 0; l < found; l++) {
      Region region = r.regions[l];
      if (region == null || !r.copies[l]) {
        continue;
      }
      Entry e = new Entry(value, weight, Entry.ttlFor(ttlNanos), r, true);
      e.version = version;
      if (!install(region, l, key, e, token)
          && (!generations.fillable(key, token) || !r.primaryLive())) {
        return; // refused by the fence (a copy kept for a queued write does not stop the others)
      }
    }
  }

  /**
   * Negative caching: leaves an "absent" marker where {@link #fillNearer} would leave a copy, for
   * the configured time but never longer than the owner's TTL, so the next reads of the key do not
   * reach the owner's layer. Every write, delete and invalidation drops it as it drops a copy.
   * {@code version}: the version of the owner's delete of the key, when it keeps one (else 0).
   */
  void rememberAbsent(Route r, String key, long token, long version) {
    if (negativeNanos == 0) {
      return;
    }
    long ttl = r.ttlNanos > 0 ? Math.min(negativeNanos, r.ttlNanos) : negativeNanos;
    for (int l = 0; l < r.primary.ordinal(); l++) {
      Region region = r.regions[l];
      if (region == null || !r.copies[l]) {
        continue;
      }
      Entry marker = new Entry(Entry.ABSENT, Entry.weigh(key, 0), ttl, r, true);
      marker.version = version;
      if (!install(region, key, marker, token)) {
        return;
      }
    }
  }

  /**
   * After a write to {@code target}: drops the key's copies in the nearer layers, where copies live
   * (with its generation moved around it and no fill installed meanwhile, so no fill in flight can
   * put an older value back, not even one read from a layer not dropped yet). Farther layers are
   * left alone: a write through {@code layer(CLIENT)} of a key nobody owns does not delete the
   * server's value. This node's queued writes of the key stay: they are newer than what the
   * invalidation was about.
   */
  public void drop(Route r, CacheLayer target, String key) {
    for (int l = 0; l < target.ordinal(); l++) {
      if (r.regions[l] == null && r.copies[l]) { // a remote layer that keeps copies of the key
        markedAt.put(key, marks.incrementAndGet());
        behind.put(key, Boolean.TRUE);
        break;
      }
    }
    dropHere(r, target, key);
  }

  /**
   * A remote layer that keeps copies (an edge node) changed the key itself, so it has caught up
   * with the key's changes: drops the key's copies here as {@link #drop} does, and reads may go
   * through that layer again.
   */
  public void caughtUp(Route r, String key) {
    dropHere(r, r.primary, key);
    behind.invalidate(key);
  }

  /** Whether reads of the key skip the remote layers that keep copies ({@link #behind}). */
  boolean behind(String key) {
    return behind.getIfPresent(key) != null;
  }

  /** How many marks {@link #behind} there were so far: read before a read begins. */
  long marks() {
    return marks.get();
  }

  /** Whether the key was marked {@link #behind} after {@code since} ({@link #marks}). */
  boolean markedSince(String key, long since) {
    Long at = markedAt.getIfPresent(key);
    return at != null && at > since;
  }

  private void dropHere(Route r, CacheLayer target, String key) {
    generations.dropping(
        key,
        () -> {
          for (int l = 0; l < target.ordinal(); l++) {
            Region region = r.regions[l];
            if (region == null) {
              continue;
            }
            if (l == 0 && pending.any()) {
              region.computeIfPresent(key, (k, e) -> e.pending ? e : null);
            } else {
              region.invalidate(key);
            }
          }
        });
    changes.keyChanged(key);
  }

  /** Whom {@link #drop} and {@link Invalidations} tell of the keys they drop. */
  KeyChangeListener changes() {
    return changes;
  }

  void changes(KeyChangeListener listener) {
    this.changes = listener;
  }

  /** Whether negative caching is on (markers then sit among the entries). */
  boolean negativeCaching() {
    return negativeNanos > 0;
  }
}
