package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Prefetch;
import dev.stateless.annotation.Strategy;
import dev.stateless.annotation.Streaming;
import dev.stateless.annotation.Ttl;
import dev.stateless.annotation.UseStrategy;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ManifestTest {

  /** Seed 000 §1: the core ownership example. */
  @CacheManifest
  static class AppCache {
    @Owns("user:*")
    Object userData;

    @Owns("product:*")
    Object productData;

    @Borrows({"user:*", "product:*"})
    Object analytics;

    Object notAComponent;
  }

  /** Seed 000 §2: one component per layer. */
  @CacheManifest
  static class LayeredCache {
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

  /** Seed 003: every component kind of the borrow checker's examples in one manifest. */
  @CacheManifest
  static class BorrowCheckerCache {
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
    @Streaming(chunkSize = "1MB")
    @Owns("video:*")
    Object videoCache;

    @Prefetch("popular:*")
    @Backfill
    @Owns("popular:*")
    Object dataCache;

    @Layer(CacheLayer.EDGE)
    @Owns("content:*")
    @UseStrategy(Strategy.EDGE_OPTIMIZED)
    Object contentCache;
  }

  private static List<String> codes(List<Diagnostic> diagnostics) {
    return diagnostics.stream().map(Diagnostic::code).collect(Collectors.toList());
  }

  @Test
  void from_seedCoreExample_isValidAndMapsOwners() {
    Manifest m = Manifest.from(AppCache.class);
    assertThat(m.validate()).isEmpty();
    assertThat(m.name()).isEqualTo("AppCache");
    assertThat(m.components())
        .extracting(Component::name)
        .containsExactly("userData", "productData", "analytics");
    assertThat(m.ownerOf("user:123")).map(Component::name).contains("userData");
    assertThat(m.ownerOf("product:9:reviews")).map(Component::name).contains("productData");
    assertThat(m.ownerOf("order:1")).isEmpty();
    assertThat(m.owningPattern("user:123")).contains(KeyPattern.parse("user:*"));
    assertThat(m.component("analytics").orElseThrow().borrows())
        .containsExactly(KeyPattern.parse("user:*"), KeyPattern.parse("product:*"));
    assertThat(m.layers()).containsExactly(CacheLayer.CLIENT, CacheLayer.EDGE, CacheLayer.SERVER);
  }

  @Test
  void from_seedLayerExample_readsLayers() {
    Manifest m = Manifest.from(LayeredCache.class);
    assertThat(m.validate()).isEmpty();
    assertThat(m.ownerOf("local:x").orElseThrow().layer()).isEqualTo(CacheLayer.CLIENT);
    assertThat(m.ownerOf("edge:x").orElseThrow().layer()).isEqualTo(CacheLayer.EDGE);
    assertThat(m.ownerOf("global:x").orElseThrow().layer()).isEqualTo(CacheLayer.SERVER);
  }

  @Test
  void from_borrowCheckerSeed_readsEveryAttribute() {
    Manifest m = Manifest.from(BorrowCheckerCache.class);
    assertThat(m.validate()).isEmpty();
    Component user = m.component("userData").orElseThrow();
    assertThat(user.layer()).isEqualTo(CacheLayer.CLIENT);
    assertThat(user.invalidates())
        .containsExactly(KeyPattern.parse("profile:*"), KeyPattern.parse("settings:*"));
    assertThat(user.backfill()).isFalse();
    assertThat(user.isStreaming()).isFalse();
    assertThat(user.ttl()).isEmpty();
    assertThat(user.maxSizeBytes()).isEmpty();
    assertThat(m.component("profiles").orElseThrow().layer()).isEqualTo(CacheLayer.SERVER);
    assertThat(m.component("settings").orElseThrow().ttl()).contains(Duration.ofMinutes(10));
    assertThat(m.component("productCache").orElseThrow().maxSizeBytes()).hasValue(50L << 20);
    Component video = m.component("videoCache").orElseThrow();
    assertThat(video.isStreaming()).isTrue();
    assertThat(video.streamingChunkBytes()).hasValue(1L << 20);
    Component data = m.component("dataCache").orElseThrow();
    assertThat(data.prefetch()).containsExactly(KeyPattern.parse("popular:*"));
    assertThat(data.backfill()).isTrue();
    assertThat(m.component("contentCache").orElseThrow().strategy())
        .isEqualTo(Strategy.EDGE_OPTIMIZED);
    assertThat(data.strategy()).isEqualTo(Strategy.DEFAULT);
  }

  @CacheManifest
  static class Conflict {
    @Owns("user:*")
    Object users;

    @Owns("user:profile")
    Object profiles;
  }

  @Test
  void validate_overlappingOwners_reportsSL001OnLaterComponentNamingTheOther() {
    List<Diagnostic> d = Manifest.from(Conflict.class).validate();
    assertThat(codes(d)).containsExactly("SL001");
    assertThat(d.get(0).components()).containsExactly("profiles", "users");
    assertThat(d.get(0).patterns()).containsExactly("user:profile", "user:*");
    assertThat(d.get(0).message())
        .isEqualTo(
            "pattern \"user:profile\" of component \"profiles\" overlaps \"user:*\", owned by"
                + " \"users\"");
    assertThat(d.get(0).notes()).contains("both match the key \"user:profile\"");
    assertThat(d.get(0).help()).isNotBlank();
  }

  @Test
  void validate_disjointPatternsUnderOnePrefix_areNotSL001() {
    Manifest m =
        Manifest.builder()
            .component(Component.builder("users").owns("user:{id}").build())
            .component(Component.builder("posts").owns("user:{id}:posts").build())
            .component(Component.builder("featured").owns("product:featured").build())
            .component(Component.builder("other").owns("product:{id}:reviews").build())
            .build();
    assertThat(m.validate()).isEmpty();
  }

  @Test
  void validate_samePatternTwice_isSL001() {
    Manifest m =
        Manifest.builder()
            .component(Component.builder("a").owns("user:{id}").build())
            .component(Component.builder("b").owns("user:{uid}").build())
            .build();
    assertThat(codes(m.validate())).containsExactly("SL001");
  }

  @Test
  void validate_unownedBorrowInvalidateOrPrefetch_isSL005() {
    Manifest m =
        Manifest.builder()
            .component(Component.builder("users").owns("user:*").build())
            .component(
                Component.builder("reader")
                    .borrows("user:*", "order:*")
                    .invalidates("settings:*")
                    .prefetch("popular:*")
                    .build())
            .build();
    List<Diagnostic> d = m.validate();
    assertThat(codes(d)).containsExactly("SL005", "SL005", "SL005");
    assertThat(d)
        .flatExtracting(Diagnostic::patterns)
        .containsExactly("order:*", "settings:*", "popular:*");
    assertThat(d.get(0).message())
        .isEqualTo("@Borrows \"order:*\" of component \"reader\" is owned by no component");
  }

  @Test
  void validate_partlyOwnedBorrow_isNotSL005() {
    Manifest m =
        Manifest.builder()
            .component(Component.builder("users").owns("user:{id}").build())
            .component(Component.builder("reader").borrows("user:*").build())
            .build();
    assertThat(m.validate()).isEmpty();
  }

  @CacheManifest
  static class Cycle {
    @Owns("user:*")
    @Invalidates("profile:*")
    Object users;

    @Owns("profile:*")
    @Invalidates("feed:*")
    Object profiles;

    @Owns("feed:*")
    @Invalidates("user:{id}:feed")
    Object feeds;

    @Owns("audit:*")
    @Invalidates("user:*")
    Object audit;
  }

  @Test
  void validate_invalidationCycle_isSL006NamingTheCycle() {
    List<Diagnostic> d = Manifest.from(Cycle.class).validate();
    assertThat(codes(d)).containsExactly("SL006");
    assertThat(d.get(0).message())
        .isEqualTo("invalidation cycle: \"users\" -> \"profiles\" -> \"feeds\" -> \"users\"");
    assertThat(d.get(0).components()).containsExactly("users", "profiles", "feeds");
    assertThat(d.get(0).notes())
        .containsExactly(
            "\"users\" invalidates \"profile:*\", owned by \"profiles\"",
            "\"profiles\" invalidates \"feed:*\", owned by \"feeds\"",
            "\"feeds\" invalidates \"user:{id}:feed\", owned by \"users\"");
  }

  @Test
  void validate_invalidatingOwnDerivedKeys_isNoCycle() {
    Manifest m =
        Manifest.builder()
            .component(
                Component.builder("users").owns("user:*").invalidates("user:{id}:feed").build())
            .build();
    assertThat(m.validate()).isEmpty();
  }

  @CacheManifest(layers = {CacheLayer.EDGE, CacheLayer.SERVER})
  static class NoClient {
    @Layer(CacheLayer.CLIENT)
    @Owns("local:*")
    Object local;

    @Owns("offline:*")
    @UseStrategy(Strategy.CLIENT_FIRST)
    Object offline;

    @Owns("server:*")
    Object fine;
  }

  @Test
  void validate_layerOrStrategyNeedingMissingLayer_isSL007() {
    List<Diagnostic> d = Manifest.from(NoClient.class).validate();
    assertThat(codes(d)).containsExactly("SL007", "SL007");
    assertThat(d).flatExtracting(Diagnostic::components).containsExactly("local", "offline");
    assertThat(d.get(1).notes()).contains("its strategy CLIENT_FIRST needs CLIENT");
  }

  @Test
  void validate_edgeOptimizedWithoutEdge_isSL007() {
    Manifest m =
        Manifest.builder()
            .layers(CacheLayer.CLIENT, CacheLayer.SERVER)
            .component(Component.builder("c").owns("c:*").strategy(Strategy.EDGE_OPTIMIZED).build())
            .build();
    assertThat(codes(m.validate())).containsExactly("SL007");
  }

  @Test
  void validate_globalConsistentOffServer_isSL008() {
    Manifest m =
        Manifest.builder()
            .component(
                Component.builder("prices")
                    .owns("price:*")
                    .layer(CacheLayer.EDGE)
                    .strategy(Strategy.GLOBAL_CONSISTENT)
                    .build())
            .component(
                Component.builder("stock")
                    .owns("stock:*")
                    .strategy(Strategy.GLOBAL_CONSISTENT)
                    .build())
            .build();
    List<Diagnostic> d = m.validate();
    assertThat(codes(d)).containsExactly("SL008");
    assertThat(d.get(0).components()).containsExactly("prices");
  }

  @CacheManifest
  static class Malformed {
    @Owns({"user:*:x", "ok:*"})
    @MaxSize("50 MB")
    @Ttl("10x")
    Object bad;

    @Streaming(chunkSize = "1.5MB")
    @Owns("video:*")
    Object video;
  }

  @Test
  void validate_malformedLiterals_areSL012NamingComponentAndLiteral() {
    Manifest m = Manifest.from(Malformed.class);
    List<Diagnostic> d = m.validate();
    assertThat(codes(d)).containsExactly("SL012", "SL012", "SL012", "SL012");
    assertThat(d)
        .flatExtracting(Diagnostic::patterns)
        .containsExactly("user:*:x", "50 MB", "10x", "1.5MB");
    assertThat(d.get(0).components()).containsExactly("bad");
    assertThat(d.get(0).message()).endsWith("(@Owns of component \"bad\")");
    // The well-formed part of the component still counts.
    assertThat(m.ownerOf("ok:1")).map(Component::name).contains("bad");
    assertThat(m.component("video").orElseThrow().isStreaming()).isFalse();
  }

  @Test
  void from_classWithoutAnnotation_throwsSL013() {
    assertThatThrownBy(() -> Manifest.from(String.class))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("error[SL013]: class java.lang.String is not a cache manifest")
        .hasMessageContaining("help: annotate it with @CacheManifest");
  }

  @Test
  void rightsOf_unknownComponent_throwsSL013ListingNames() {
    Manifest m = Manifest.from(AppCache.class);
    assertThatThrownBy(() -> m.rightsOf("users"))
        .isInstanceOf(StatelessException.class)
        .satisfies(
            e -> {
              StatelessException se = (StatelessException) e;
              assertThat(se.code()).isEqualTo("SL013");
              assertThat(se.help())
                  .isEqualTo(
                      "use the name of a component field: \"userData\", \"productData\","
                          + " \"analytics\"");
            });
  }

  @Test
  void builder_duplicateName_isSL013() {
    Manifest m =
        Manifest.builder()
            .component(Component.builder("a").owns("a:*").build())
            .component(Component.builder("a").owns("b:*").build())
            .build();
    assertThat(codes(m.validate())).containsExactly("SL013");
    assertThat(m.components()).hasSize(1);
  }

  @Test
  void empty_ownsNothing() {
    assertThat(Manifest.empty().isEmpty()).isTrue();
    assertThat(Manifest.empty().ownerOf("user:1")).isEmpty();
    assertThat(Manifest.empty().validate()).isEmpty();
  }

  @Test
  void toString_printsOwnershipMapMostSpecificFirst() {
    Manifest m = Manifest.from(AppCache.class);
    assertThat(m.toString())
        .isEqualTo(
            "AppCache layers=[CLIENT, EDGE, SERVER]\n"
                + "  product:* -> productData [SERVER]\n"
                + "  user:* -> userData [SERVER]");
  }
}
