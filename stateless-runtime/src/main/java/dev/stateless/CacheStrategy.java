package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A custom placement and invalidation policy, installed with {@link
 * StatelessCache.Builder#strategy(CacheStrategy)}. The manifest always decides who owns a key and
 * where its primary copy lives; a strategy decides where <em>else</em> a copy is kept for reads (a
 * layer nearer than the owner's), where keys no component owns live, and which further patterns an
 * invalidation drops.
 *
 * <p>Strategies compose: {@link #orElse(CacheStrategy)} asks a fallback whenever this strategy
 * answers {@code null}. Implementations must be thread-safe and fast: they run on every routed
 * call.
 *
 * <pre>{@code
 * CacheStrategy hotProductsAtEdge = new CacheStrategy() {
 *   public CacheLayer determineLocation(String key) {
 *     return key.startsWith("product:hot:") ? CacheLayer.EDGE : null;
 *   }
 *   public List<String> handleInvalidation(String pattern) {
 *     return pattern.startsWith("product:") ? List.of("catalog:*") : List.of();
 *   }
 * }.orElse(CacheStrategy.of(Strategy.DEFAULT));
 * }</pre>
 */
public interface CacheStrategy {

  /**
   * Returns the layer where a key is kept: for a key some component owns, a layer nearer than the
   * owner's keeps a copy (a farther one is ignored: the owner's layer holds the data); for a key
   * nobody owns, it is the key's only layer.
   *
   * @param key the key
   * @return the layer, or {@code null} to let the fallback decide
   */
  @Nullable CacheLayer determineLocation(String key);

  /**
   * Returns further patterns (or exact keys) to drop whenever {@code pattern} is invalidated. An
   * owner write of a key is an invalidation of that key.
   *
   * @param pattern the key or pattern being invalidated
   * @return more patterns to drop, possibly empty, never {@code null}
   */
  List<String> handleInvalidation(String pattern);

  /**
   * Returns a strategy that asks {@code fallback} whenever this one answers {@code null}, and drops
   * the patterns both name.
   *
   * @param fallback the strategy asked second
   * @return the composed strategy
   */
  default CacheStrategy orElse(CacheStrategy fallback) {
    Objects.requireNonNull(fallback, "fallback");
    CacheStrategy first = this;
    return new CacheStrategy() {
      @Override
      public @Nullable CacheLayer determineLocation(String key) {
        CacheLayer layer = first.determineLocation(key);
        return layer != null ? layer : fallback.determineLocation(key);
      }

      @Override
      public List<String> handleInvalidation(String pattern) {
        List<String> all = new ArrayList<>(first.handleInvalidation(pattern));
        all.addAll(fallback.handleInvalidation(pattern));
        return all;
      }
    };
  }

  /**
   * Returns a built-in strategy as a {@code CacheStrategy}: {@code CLIENT_FIRST} keeps copies in
   * the client layer, {@code EDGE_OPTIMIZED} at the edge; the others keep no copies and add no
   * invalidations.
   *
   * @param strategy the built-in strategy
   * @return its placement policy
   */
  static CacheStrategy of(Strategy strategy) {
    Objects.requireNonNull(strategy, "strategy");
    CacheLayer layer =
        strategy == Strategy.CLIENT_FIRST
            ? CacheLayer.CLIENT
            : strategy == Strategy.EDGE_OPTIMIZED ? CacheLayer.EDGE : null;
    return new CacheStrategy() {
      @Override
      public @Nullable CacheLayer determineLocation(String key) {
        return layer;
      }

      @Override
      public List<String> handleInvalidation(String pattern) {
        return List.of();
      }

      @Override
      public String toString() {
        return "CacheStrategy.of(" + strategy + ")";
      }
    };
  }
}
