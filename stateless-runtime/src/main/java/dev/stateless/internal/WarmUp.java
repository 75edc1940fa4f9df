package dev.stateless.internal;

import dev.stateless.ValueCodecException;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.KeyPattern;
import dev.stateless.core.Manifest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm-up: loads the keys of every {@code @Prefetch} pattern from their owner's remote layer into
 * the nearest in-process layer nearer than it where the manifest allows copies ({@code @Backfill},
 * or the strategy's layer), as copies carrying the owner's remaining TTL, so the first reads after
 * the start are local (reads look in every in-process layer). An owner with no such layer (e.g.
 * {@code @Layer(EDGE)} data without {@code @Backfill}, which must not be copied into the client) is
 * not prefetched: a warning at build names it. Streamed values are never copied, so
 * {@code @Streaming} owners are skipped. A bounded region ({@code @MaxSize}, {@code
 * Stores.inProcess(size)}) is filled up to its bound and no further, so the warm-up evicts nothing.
 * In-process owner layers start empty (a store serves one cache), so there is nothing to load for
 * them.
 */
public final class WarmUp {
  /** How many keys one warm-up step lists (SCAN COUNT) and reads (one script call). */
  public static final int PREFETCH_PAGE = 500;

  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

  private final String cacheName;
  private final Manifest manifest;
  private final Routes routes;
  private final Layers layers;
  private final Generations generations;
  private final Copies copies;

  WarmUp(
      String cacheName,
      Manifest manifest,
      Routes routes,
      Layers layers,
      Generations generations,
      Copies copies) {
    this.cacheName = cacheName;
    this.manifest = manifest;
    this.routes = routes;
    this.layers = layers;
    this.generations = generations;
    this.copies = copies;
  }

  /** Prefetches every {@code @Prefetch} pattern, each owner's keys once. */
  void run() {
    Set<String> done = new HashSet<>();
    for (Component c : manifest.components()) {
      for (KeyPattern p : c.prefetch()) {
        for (Component owner : manifest.components()) {
          for (KeyPattern owned : owner.owns()) {
            if (owned.overlaps(p) && done.add(owner.name() + '\n' + p)) {
              prefetch(owner, p);
            }
          }
        }
      }
    }
  }

  /** Loads one owner's keys that a prefetch pattern matches, a page at a time. */
  private void prefetch(Component owner, KeyPattern pattern) {
    Route r = routes.ofOwner(owner.name());
    RemoteStore remote = r.primaryRemote;
    if (r.strategy == Strategy.GLOBAL_CONSISTENT || remote == null || owner.isStreaming()) {
      return; // never copied, or nothing stored yet
    }
    if (!remote.connected()) {
      return; // started while the store was down (warned): nothing to read
    }
    int target = -1;
    boolean local = false;
    for (int l = 0; l < r.primary.ordinal() && target < 0; l++) {
      local |= layers.local(l) != null;
      target = layers.local(l) != null && r.copies[l] ? l : -1;
    }
    if (target < 0) {
      if (local) {
        LOG.warn(
            "cache {}: @Prefetch of component \"{}\" ({}) is skipped: the manifest allows"
                + " no copies of its data nearer than {}; add @Backfill to allow them",
            cacheName,
            owner.name(),
            pattern,
            r.primary);
      }
      return;
    }
    Region region = r.region(target);
    int into = target;
    long[] left = {region.capacityLeft()};
    remote.scanPages(
        pattern.toRedisGlob(),
        PREFETCH_PAGE,
        page -> {
          List<String> keys = new ArrayList<>(page.size());
          List<Long> tokens = new ArrayList<>(page.size());
          for (String key : page) {
            Component o = manifest.ownerOf(key).orElse(null);
            if (pattern.matches(key) && o != null && o.name().equals(owner.name())) {
              keys.add(key);
              tokens.add(generations.token(key)); // before the read, as in every fill
            }
          }
          if (keys.isEmpty()) {
            return true;
          }
          List<TtlValue> read = Futures.join(remote.getAllWithTtl(keys));
          for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            byte[] bytes = read.get(i).value();
            long millis = read.get(i).pttlMillis();
            if (bytes == null || (millis <= 0 && millis != -1) || StreamedValues.isPointer(bytes)) {
              continue; // gone or expiring as it was read, or a streamed value (never copied)
            }
            Route route = routes.route(key);
            Object value;
            try {
              value = route.values.decodeStored(key, bytes);
            } catch (ValueCodecException e) {
              continue; // not of the owner's type: a read of it reports the error
            }
            int weight = Entry.weigh(key, bytes.length);
            if (weight > left[0]) {
              return false; // the region is full: stop rather than evict what came before
            }
            long ttl = millis > 0 ? TimeUnit.MILLISECONDS.toNanos(millis) : Long.MAX_VALUE;
            Entry e = new Entry(value, weight, ttl, route, true);
            if (copies.install(region, into, key, e, tokens.get(i))) {
              left[0] -= weight;
            }
          }
          return true;
        });
  }
}
