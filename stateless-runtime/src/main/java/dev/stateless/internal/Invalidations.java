package dev.stateless.internal;

import dev.stateless.CacheStrategy;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Component;
import dev.stateless.core.KeyPattern;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Manifest;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import dev.stateless.core.StatelessException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;

/**
 * Invalidation, sent and received. Sent: a write's dependents (the owner's {@code @Invalidates},
 * the code's {@code invalidates}, a custom strategy's) and {@code invalidatePattern}, which drop
 * matching keys in every layer and publish one event per owner to the other nodes. Received: other
 * nodes' events ({@link InvalidationListener}) drop this node's copies; lost events drop every copy
 * of their owner, since nothing proves them fresh.
 */
public final class Invalidations implements InvalidationListener {
  private final Lifecycle lifecycle;
  private final Manifest manifest;
  private final @Nullable CacheStrategy custom;
  private final Routes routes;
  private final Layers layers;
  private final Generations generations;
  private final Copies copies;
  private final Metrics metrics;

  /** Told of every key another node wrote or deleted: {@link Loads} waiting for a value. */
  private volatile java.util.function.Consumer<String> keyEvents = key -> {};

  Invalidations(
      Lifecycle lifecycle,
      Manifest manifest,
      @Nullable CacheStrategy custom,
      Routes routes,
      Layers layers,
      Generations generations,
      Copies copies,
      Metrics metrics) {
    this.lifecycle = lifecycle;
    this.manifest = manifest;
    this.custom = custom;
    this.routes = routes;
    this.layers = layers;
    this.generations = generations;
    this.copies = copies;
    this.metrics = metrics;
  }

  /**
   * Drops a write's dependents: the owner's {@code @Invalidates}, the code's {@code invalidates}
   * ({@code rights} may be null: a queued write's), the custom strategy's.
   */
  public CompletableFuture<Long> dependentsOf(Route r, @Nullable Rights rights, String key) {
    if ((r.owner == null || r.owner.invalidates().isEmpty())
        && (rights == null || rights.invalidates().isEmpty())
        && custom == null) {
      return CompletableFuture.completedFuture(0L); // the common case, without allocating
    }
    Set<String> patterns = new LinkedHashSet<>();
    if (r.owner != null) {
      r.owner.invalidates().forEach(p -> patterns.add(p.toString()));
    }
    if (rights != null) {
      rights.invalidates().forEach(p -> patterns.add(p.toString()));
    }
    if (custom != null) {
      patterns.addAll(custom.handleInvalidation(key));
    }
    if (patterns.isEmpty()) {
      return CompletableFuture.completedFuture(0L);
    }
    List<KeyPattern> parsed = new ArrayList<>();
    for (String p : patterns) {
      parsed.add(KeyPattern.parse(p));
    }
    if (Threads.onIoThread()) {
      // The in-process part walks the local entries: not on the thread that reads replies.
      return Futures.composeAsync(() -> all(parsed, key), ForkJoinPool.commonPool());
    }
    return all(parsed, key);
  }

  public CompletableFuture<Long> invalidatePattern(Rights rights, String text) {
    Objects.requireNonNull(text, "pattern");
    lifecycle.checkOpen();
    KeyPattern pattern = KeyPattern.parse(text);
    Checks.throwIfErrors(
        AccessRules.check(rights, Operation.INVALIDATE, KeyShape.of(pattern), null));
    Set<String> seen = new TreeSet<>();
    seen.add(pattern.toString());
    List<KeyPattern> all = new ArrayList<>();
    all.add(pattern);
    if (custom != null) {
      for (String more : custom.handleInvalidation(text)) {
        if (seen.add(more)) {
          all.add(KeyPattern.parse(more));
        }
      }
    }
    return all(all, null);
  }

  /** Invalidates patterns; {@code written}, the key whose write caused it, is kept. */
  private CompletableFuture<Long> all(List<KeyPattern> patterns, @Nullable String written) {
    CompletableFuture<Long> total = CompletableFuture.completedFuture(0L);
    for (KeyPattern p : patterns) {
      total = total.thenCombine(one(p, written), Long::sum);
    }
    return total;
  }

  /**
   * Drops every key a pattern matches in every layer: in-process by a walk of the entries, in a
   * remote store through each overlapping owner's key index, then one event per owner whose keys it
   * may touch. The events go out even when a deletion step fails: keys already gone must not stay
   * copied on other nodes.
   */
  private CompletableFuture<Long> one(KeyPattern p, @Nullable String written) {
    long[] local = {0};
    generations.droppingAll(
        () -> {
          for (CaffeineStore s : layers.locals()) {
            local[0] += s.removeMatching(p, written);
          }
        });
    CompletableFuture<Long> total = CompletableFuture.completedFuture(local[0]);
    List<RemoteStore> remotes = layers.remotes();
    if (remotes.isEmpty()) {
      copies.changes().patternChanged(p.toString());
      return total;
    }
    for (RemoteStore remote : remotes) {
      List<String> owners = ownersOverlapping(p);
      CompletableFuture<Long> deleted = CompletableFuture.completedFuture(0L);
      for (String owner : owners) {
        deleted =
            deleted.thenCompose(
                n -> remote.deleteMatching(owner, p, written).thenApply(m -> n + m));
      }
      CompletableFuture<Long> published =
          Futures.handleCompose(
                  deleted, (n, failure) -> publish(remote, p, owners).thenApply(v -> n))
              .thenCombine(deleted, (n, m) -> m); // a deletion failure wins over success
      total = total.thenCombine(published, Long::sum);
    }
    // Fills that read the remote store before its keys were gone may have installed copies: drop
    // them, off the I/O thread (the walk is as long as the in-process layers are large).
    return total.whenCompleteAsync(
        (n, t) -> {
          dropMatching(p, written);
          copies.changes().patternChanged(p.toString());
        },
        ForkJoinPool.commonPool());
  }

  /** Drops the in-process entries a pattern matches, with the generations moved around it. */
  private void dropMatching(KeyPattern p, @Nullable String except) {
    generations.droppingAll(
        () -> {
          for (CaffeineStore s : layers.locals()) {
            s.removeMatching(p, except);
          }
        });
  }

  /** The owners whose keys a pattern may match, and null for the keys nobody owns. */
  private List<String> ownersOverlapping(KeyPattern p) {
    List<String> owners = new ArrayList<>();
    for (Component c : manifest.components()) {
      for (KeyPattern owned : c.owns()) {
        if (owned.overlaps(p)) {
          owners.add(c.name());
          break;
        }
      }
    }
    owners.add(null);
    return owners;
  }

  private CompletableFuture<Void> publish(RemoteStore remote, KeyPattern p, List<String> owners) {
    if (!remote.publishes()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Long>> sent = new ArrayList<>();
    for (String owner : owners) {
      sent.add(remote.publishPattern(owner, p.toString()));
      metrics.invalidationsSent.increment();
    }
    return CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
  }

  // ---- events from other nodes ----

  /**
   * The listener of the store of {@code layer}: this one, and when metered one that also records
   * each applied event's lag under that layer ({@link Metrics#lag}).
   */
  InvalidationListener from(CacheLayer layer) {
    if (!metrics.metered) {
      return this;
    }
    int l = layer.ordinal();
    InvalidationListener self = this;
    return new InvalidationListener() {
      @Override
      public void onKey(@Nullable String owner, String key) {
        self.onKey(owner, key);
      }

      @Override
      public void onCopyHolderKey(String key) {
        self.onCopyHolderKey(key);
      }

      @Override
      public void applied(long writtenMillis) {
        metrics.lag(l, writtenMillis);
      }

      @Override
      public void onPattern(@Nullable String owner, String pattern) {
        self.onPattern(owner, pattern);
      }

      @Override
      public void onLost(@Nullable String owner, long missed) {
        self.onLost(owner, missed);
      }

      @Override
      public void onReplayed() {
        self.onReplayed();
      }

      @Override
      public void onInterrupted() {
        self.onInterrupted();
      }

      @Override
      public void onResumed() {
        self.onResumed();
      }
    };
  }

  @Override
  public void onKey(@Nullable String owner, String key) {
    metrics.invalidationsReceived.increment();
    Route r = routes.route(key);
    copies.drop(r, r.primary, key);
    keyEvents.accept(key);
  }

  /** Tells {@code listener} of each key event read from now on (after the copies are dropped). */
  void keyEvents(java.util.function.Consumer<String> listener) {
    this.keyEvents = listener;
  }

  @Override
  public void onCopyHolderKey(String key) {
    metrics.invalidationsReceived.increment();
    copies.caughtUp(routes.route(key), key);
  }

  @Override
  public void onPattern(@Nullable String owner, String pattern) {
    metrics.invalidationsReceived.increment();
    KeyPattern p;
    try {
      p = KeyPattern.parse(pattern);
    } catch (StatelessException e) {
      onLost(owner, 1);
      return;
    }
    dropMatching(p, null);
    copies.changes().patternChanged(pattern);
  }

  @Override
  public void onLost(@Nullable String owner, long missed) {
    metrics.invalidationsMissed.add(Math.max(1, missed));
    generations.droppingAll(
        () -> {
          for (CaffeineStore s : layers.locals()) {
            s.dropCopiesOf(owner);
          }
        });
    copies.changes().everythingChanged(); // the keys are not known: any of them may have changed
  }

  /**
   * Moves every generation: a fill that read its value before the interruption must not install it
   * after (while no event can take it back, and Redis may restart from an older snapshot meanwhile
   * without the counters showing it). {@link Copies#install} refuses copies while it lasts.
   */
  @Override
  public void onInterrupted() {
    generations.bumpAll();
  }

  /** Moves every generation, as {@link #onInterrupted} does, for the fills begun meanwhile. */
  @Override
  public void onResumed() {
    generations.bumpAll();
  }

  @Override
  public void onReplayed() {
    metrics.invalidationsReplayed.increment();
  }
}
