package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The cache's stores by layer, each resolved once into what it is: in-process ({@link
 * CaffeineStore}) or in another process ({@link RemoteStore}). A layer the manifest lacks has
 * neither.
 */
public final class Layers {
  private static final CacheLayer[] LAYERS = CacheLayer.values();

  private final @Nullable Store[] stores;
  private final @Nullable CaffeineStore[] local;
  private final @Nullable RemoteStore[] remote;

  /** Each layer's store by ordinal: at most one of the two; neither for a layer not present. */
  Layers(@Nullable CaffeineStore[] local, @Nullable RemoteStore[] remote) {
    this.local = local;
    this.remote = remote;
    this.stores = new Store[local.length];
    for (int l = 0; l < local.length; l++) {
      stores[l] = local[l] != null ? local[l] : remote[l];
    }
  }

  boolean has(CacheLayer layer) {
    return stores[layer.ordinal()] != null;
  }

  /** The store of a layer, or null: the layer is not present. */
  @Nullable Store store(CacheLayer layer) {
    return stores[layer.ordinal()];
  }

  /** The in-process store of a layer, or null. */
  @Nullable CaffeineStore local(int layer) {
    return local[layer];
  }

  /** The remote store of a layer, or null. */
  @Nullable RemoteStore remote(int layer) {
    return remote[layer];
  }

  @Nullable RemoteStore remote(CacheLayer layer) {
    return remote[layer.ordinal()];
  }

  List<CaffeineStore> locals() {
    List<CaffeineStore> all = new ArrayList<>();
    for (CaffeineStore s : local) {
      if (s != null) {
        all.add(s);
      }
    }
    return all;
  }

  List<RemoteStore> remotes() {
    List<RemoteStore> all = new ArrayList<>();
    for (RemoteStore s : remote) {
      if (s != null) {
        all.add(s);
      }
    }
    return all;
  }

  CacheLayer farthest() {
    for (int l = LAYERS.length - 1; l >= 0; l--) {
      if (stores[l] != null) {
        return LAYERS[l];
      }
    }
    throw new IllegalStateException("a cache has at least one layer");
  }

  /** Whether some layer nearer than {@code layer} exists (it may keep copies). */
  boolean nearerThan(CacheLayer layer) {
    for (int i = 0; i < layer.ordinal(); i++) {
      if (stores[i] != null) {
        return true;
      }
    }
    return false;
  }

  void closeAll() {
    for (Store s : stores) {
      if (s != null) {
        s.close();
      }
    }
  }
}
