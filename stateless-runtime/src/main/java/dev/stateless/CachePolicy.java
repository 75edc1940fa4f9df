package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Rights;
import dev.stateless.internal.Engine;
import java.util.Objects;

/**
 * A read-only look at how a cache or view works, for diagnostics, metrics and tests (as Caffeine's
 * {@code Cache.policy()}): nothing here changes what the cache does. Obtain it with {@link
 * StatelessCache#policy()}.
 *
 * <p>Thread-safe.
 */
public final class CachePolicy {
  private final Engine engine;
  private final Rights rights;

  CachePolicy(Engine engine, Rights rights) {
    this.engine = engine;
    this.rights = rights;
  }

  /**
   * Returns the rights calls through the view are checked against (core's rules).
   *
   * @return the rights
   */
  public Rights rights() {
    return rights;
  }

  /**
   * Returns how many entries an in-process layer holds (copies included, negative-caching markers
   * not).
   *
   * @param layer the layer
   * @return the entry count, or {@code -1} when the layer is absent or not in-process
   */
  public long entryCount(CacheLayer layer) {
    return engine.localEntries(Objects.requireNonNull(layer, "layer"));
  }
}
