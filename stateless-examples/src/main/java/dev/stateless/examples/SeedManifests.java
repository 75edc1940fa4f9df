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

/** The manifests of the two seed specifications, in Java. */
final class SeedManifests {
  private SeedManifests() {}

  /** Seed 000 §1: the core ownership example. */
  @CacheManifest
  static final class AppCache {
    @Owns("user:*")
    Object userData;

    @Owns("product:*")
    Object productData;

    @Borrows({"user:*", "product:*"})
    Object analytics;
  }

  /** Seed 000 §2: one component per layer. */
  @CacheManifest
  static final class LayeredCache {
    @Layer(CacheLayer.CLIENT)
    @Owns("local:*")
    Object local;

    @Layer(CacheLayer.EDGE)
    @Owns("edge:*")
    Object edge;

    @Layer(CacheLayer.SERVER)
    @Owns("global:*")
    Object server;
  }

  /** Seed 003: the borrow checker's disasters and rules, as one application. */
  @CacheManifest
  static final class BorrowCheckerCache {
    @Layer(CacheLayer.CLIENT)
    @Owns("user:*")
    @Invalidates({"profile:*", "settings:*"})
    Object userData;

    @Owns("profile:*")
    Object profiles;

    @Owns("settings:*")
    @Ttl("10m")
    Object settings;

    @Layer(CacheLayer.EDGE)
    @Owns("products:*")
    @MaxSize("50MB")
    Object productCache;

    @Layer(CacheLayer.EDGE)
    @Owns("content:*")
    Object contentCache;

    @Layer(CacheLayer.EDGE)
    @Streaming(chunkSize = "1MB")
    @Owns("video:*")
    Object videoCache;

    @Prefetch("popular:*")
    @Backfill
    @Owns("popular:*")
    Object dataCache;

    /** Lifetime rules: the owner of {@code session:123}, which sessions write with a cleanup. */
    @Owns("session:*")
    Object sessions;
  }

  /**
   * Seed 000 §3: "Error: Pattern conflict" — two owners of user data. Broken on purpose to show the
   * runtime's refusal, so the compile-time checker is told to leave it alone.
   */
  @SuppressWarnings("stateless")
  @CacheManifest
  static final class ConflictingCache {
    @Owns("user:*")
    Object userCache;

    @Owns("user:profile")
    Object profileCache;
  }
}
