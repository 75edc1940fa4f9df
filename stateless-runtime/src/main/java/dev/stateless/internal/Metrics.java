package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The runtime's counters and timings. Kept as adders so a call costs an increment; Micrometer
 * (optional) reads them through function counters and records the timings, see {@link
 * MicrometerBinder}.
 */
public final class Metrics {
  /** The {@code cache} tag of keys no component owns. */
  public static final String UNOWNED = "none";

  /** {@link Recorder} operation: a read of a layer's store. */
  public static final int GET = 0;

  /** {@link Recorder} operation: a write to a layer's store. */
  public static final int SET = 1;

  /**
   * Whether reads, writes, evictions and timings are counted. Off unless a registry is bound: an
   * uncontended adder still costs a CAS per hit, a third of an in-process hit's time (Caffeine
   * makes stats opt-in for the same reason), and a timing two clock reads.
   */
  public final boolean metered;

  public final LongAdder invalidationsSent = new LongAdder();
  public final LongAdder invalidationsReceived = new LongAdder();
  public final LongAdder invalidationsReplayed = new LongAdder();
  public final LongAdder invalidationsMissed = new LongAdder();
  public final LongAdder fillRacesAvoided = new LongAdder();

  /** CLIENT_FIRST writes from the offline queue not applied: the server had a newer version. */
  public final LongAdder offlineConflicts = new LongAdder();

  /** Per component name ({@link #UNOWNED} for keys nobody owns): its counts. */
  private final Map<String, Counts> components = new ConcurrentHashMap<>();

  /** Where timings go; none until a registry is bound (after the cache started). */
  private volatile Recorder recorder = Recorder.NONE;

  /**
   * Per layer: whether its store calls are timed. None until a registry is bound, and not a layer
   * whose timers the registry's filters deny: its calls then read no clock.
   */
  private volatile boolean[] timing = new boolean[CacheLayer.values().length];

  /** What {@link #start} returns for a call that is not timed. */
  private static final long NOT_TIMED = Long.MIN_VALUE;

  public Metrics(boolean metered) {
    this.metered = metered;
  }

  /** One component's counts, per layer (by ordinal). */
  public static final class Counts {
    /** Counts of an entry no component's route made (tests' own sources); never published. */
    static final Counts DETACHED = new Counts();

    public final LongAdder[] hits = adders();
    public final LongAdder[] misses = adders();
    public final LongAdder[] puts = adders();
    public final LongAdder[] evictions = adders();

    private static LongAdder[] adders() {
      LongAdder[] a = new LongAdder[CacheLayer.values().length];
      for (int i = 0; i < a.length; i++) {
        a[i] = new LongAdder();
      }
      return a;
    }
  }

  /** Receives the timings; implemented over Micrometer's timers by {@link MicrometerBinder}. */
  public interface Recorder {
    Recorder NONE =
        new Recorder() {
          @Override
          public void call(int layer, int operation, long nanos) {}

          @Override
          public void lag(int layer, long millis) {}
        };

    /** One call to a layer's store ({@link #GET} or {@link #SET}) took {@code nanos}. */
    void call(int layer, int operation, long nanos);

    /** A copy was dropped {@code millis} after the write that another node made. */
    void lag(int layer, long millis);
  }

  /** The counts of a component ({@code null}: keys nobody owns), made once per name. */
  public Counts counts(@Nullable String component) {
    return components.computeIfAbsent(component == null ? UNOWNED : component, n -> new Counts());
  }

  /** Where timings go from now on, and the layers ({@code timing[layer]}) whose calls are timed. */
  void recorder(Recorder r, boolean[] timing) {
    this.recorder = r;
    this.timing = timing.clone();
  }

  public void hit(Entry.Source source, int layer) {
    if (metered) {
      source.counts().hits[layer].increment();
    }
  }

  public void miss(Entry.Source source, int layer) {
    if (metered) {
      source.counts().misses[layer].increment();
    }
  }

  public void count(Entry.Source source, int layer, boolean hit) {
    if (hit) {
      hit(source, layer);
    } else {
      miss(source, layer);
    }
  }

  /** A value stored in a layer: an owner write, or a copy left by a read or a write. */
  public void put(Entry.Source source, int layer) {
    if (metered) {
      source.counts().puts[layer].increment();
    }
  }

  /** An in-process entry (not a negative-caching marker) evicted for size or expired. */
  void evicted(Entry e, int layer) {
    if (metered && !e.isAbsent()) {
      e.source.counts().evictions[layer].increment();
    }
  }

  /**
   * The start of a call to the store of {@code layer}: a clock reading when its calls are timed,
   * else no clock is read.
   */
  public long start(int layer) {
    return metered && timing[layer] ? System.nanoTime() : NOT_TIMED;
  }

  /** Records a call begun at {@link #start(int)}. */
  public void timed(int layer, int operation, long start) {
    if (start != NOT_TIMED) {
      recorder.call(layer, operation, System.nanoTime() - start);
    }
  }

  /** Records a remote call when it completes; returns the same future. */
  public <T> CompletableFuture<T> timed(CompletableFuture<T> call, int layer, int operation) {
    if (metered && timing[layer]) {
      long start = System.nanoTime();
      Futures.whenDone(call, (v, t) -> recorder.call(layer, operation, System.nanoTime() - start));
    }
    return call;
  }

  /**
   * Records the lag of an event another node's write made at {@code writtenMillis} (the store's
   * clock), now that this node applied it; no lag is negative (the clocks may differ).
   */
  public void lag(int layer, long writtenMillis) {
    if (metered && writtenMillis > 0) {
      recorder.lag(layer, Math.max(0, System.currentTimeMillis() - writtenMillis));
    }
  }

  /** Counts a write's invalidation event, when the store publishes one. */
  public void sent(RemoteStore store) {
    if (store.publishes()) {
      invalidationsSent.increment();
    }
  }
}
