package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What strategies need from the application's layers, and which strategies clash. */
final class Strategies {
  private Strategies() {}

  /**
   * The layers a component (or code) on {@code layer} with {@code strategy} cannot work without.
   */
  static Set<CacheLayer> layersNeeded(@Nullable CacheLayer layer, Strategy strategy) {
    EnumSet<CacheLayer> needed = EnumSet.noneOf(CacheLayer.class);
    if (layer != null) {
      needed.add(layer);
    }
    CacheLayer forStrategy = layerNeeded(strategy);
    if (forStrategy != null) {
      needed.add(forStrategy);
    }
    return needed;
  }

  /** The one layer a strategy needs, or null. */
  static @Nullable CacheLayer layerNeeded(Strategy strategy) {
    return switch (strategy) {
      case CLIENT_FIRST -> CacheLayer.CLIENT;
      case EDGE_OPTIMIZED -> CacheLayer.EDGE;
      case GLOBAL_CONSISTENT -> CacheLayer.SERVER;
      default -> null;
    };
  }

  /**
   * Whether code with strategy {@code a} may call code (or request a write) with strategy {@code
   * b}.
   */
  static boolean compatible(Strategy a, Strategy b) {
    return !((a == Strategy.GLOBAL_CONSISTENT && b == Strategy.CLIENT_FIRST)
        || (a == Strategy.CLIENT_FIRST && b == Strategy.GLOBAL_CONSISTENT));
  }
}
