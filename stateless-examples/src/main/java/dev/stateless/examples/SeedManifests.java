package dev.stateless.examples;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Prefetch;
import dev.stateless.annotation.Streaming;
import dev.stateless.annotation.Ttl;
import org.jspecify.annotations.Nullable;

/** The manifests of the two seed specifications, in Java. */
final class SeedManifests {
  private SeedManifests() {}

  /** Seed 000 §1: the core ownership example. */
  @CacheManifest
  static final class AppCache {
    @Owns("user:*")
    @Nullable Object userData;

    @Owns("product:*")
    @Nullable Object productData;

    @Borrows({"user:*", "product:*"})
    @Nullable Object analytics;
  }

  /** Seed 000 §2: one component per layer. */
  @CacheManifest
  static final class LayeredCache {
    @Layer(CacheLayer.CLIENT)
    @Owns("local:*")
    @Nullable Object local;

    @Layer(CacheLayer.EDGE)
    @Owns("edge:*")
    @Nullable Object edge;

    @Layer(CacheLayer.SERVER)
    @Owns("global:*")
    @Nullable Object server;
  }

  /** Seed 003: the borrow checker's disasters and rules, as one application. */
  @CacheManifest
  static final class BorrowCheckerCache {
    @Layer(CacheLayer.CLIENT)
    @Owns("user:*")
    @Invalidates({"profile:*", "settings:*"})
    @Nullable Object userData;

    @Owns("profile:*")
    @Nullable Object profiles;

    @Owns("settings:*")
    @Ttl("10m")
    @Nullable Object settings;

    @Layer(CacheLayer.EDGE)
    @Owns("products:*")
    @MaxSize("50MB")
    @Nullable Object productCache;

    @Layer(CacheLayer.EDGE)
    @Owns("content:*")
    @Nullable Object contentCache;

    @Layer(CacheLayer.EDGE)
    @Streaming(chunkSize = "1MB")
    @Owns("video:*")
    @Nullable Object videoCache;

    @Prefetch("popular:*")
    @Backfill
    @Owns("popular:*")
    @Nullable Object dataCache;

    /** Lifetime rules: the owner of {@code session:123}, which sessions write with a cleanup. */
    @Owns("session:*")
    @Nullable Object sessions;
  }

  /**
   * Seed 000 §3: "Error: Pattern conflict" — two owners of user data. Broken on purpose to show the
   * runtime's refusal, so the compile-time checker is told to leave it alone.
   */
  @SuppressWarnings("stateless")
  @CacheManifest
  static final class ConflictingCache {
    @Owns("user:*")
    @Nullable Object userCache;

    @Owns("user:profile")
    @Nullable Object profileCache;
  }
}
