package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Ttl;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link Manifest#withOverride}: per-component TTL and size from configuration. */
class ManifestOverrideTest {

  @CacheManifest(layers = {CacheLayer.EDGE, CacheLayer.SERVER})
  static class AppCache {
    @Owns("user:*")
    @Invalidates("profile:*")
    @Ttl("10m")
    @MaxSize("50MB")
    Object users;

    @Layer(CacheLayer.EDGE)
    @Owns("profile:*")
    Object profiles;
  }

  private static List<String> codes(StatelessException e) {
    return e.diagnostics().stream().map(Diagnostic::code).collect(Collectors.toList());
  }

  @Test
  void withOverride_replacesTtlAndMaxSize_asIfAnnotated() {
    Manifest base = Manifest.from(AppCache.class);
    Manifest m = base.withOverride("users", "30s", "1KB");

    Component users = m.component("users").orElseThrow();
    assertThat(users.ttl()).hasValue(Duration.ofSeconds(30));
    assertThat(users.maxSizeBytes()).hasValue(1024);
    assertThat(users.owns()).containsExactly(KeyPattern.parse("user:*"));
    assertThat(users.invalidates()).containsExactly(KeyPattern.parse("profile:*"));
    assertThat(m.name()).isEqualTo("AppCache");
    assertThat(m.layers()).containsExactly(CacheLayer.EDGE, CacheLayer.SERVER);
    assertThat(m.components()).extracting(Component::name).containsExactly("users", "profiles");
    assertThat(m.ownerOf("user:1")).map(Component::name).hasValue("users");
    assertThat(m.validate()).isEmpty();
    // the original is unchanged
    assertThat(base.component("users").orElseThrow().ttl()).hasValue(Duration.ofMinutes(10));
    assertThat(base.component("users").orElseThrow().maxSizeBytes()).hasValue(50L << 20);
  }

  @Test
  void withOverride_null_keepsTheDeclaredSetting() {
    Manifest m = Manifest.from(AppCache.class).withOverride("users", null, "2KB");
    assertThat(m.component("users").orElseThrow().ttl()).hasValue(Duration.ofMinutes(10));
    assertThat(m.component("users").orElseThrow().maxSizeBytes()).hasValue(2048);

    Manifest t = Manifest.from(AppCache.class).withOverride("profiles", "1h", null);
    assertThat(t.component("profiles").orElseThrow().ttl()).hasValue(Duration.ofHours(1));
    assertThat(t.component("profiles").orElseThrow().maxSizeBytes()).isEmpty();
    assertThat(t.component("profiles").orElseThrow().layer()).isEqualTo(CacheLayer.EDGE);
  }

  @Test
  void withOverride_chains_oneComponentAfterAnother() {
    Manifest m =
        Manifest.from(AppCache.class)
            .withOverride("users", "1m", null)
            .withOverride("profiles", "2m", "1MB")
            .withOverride("users", null, "3KB");
    assertThat(m.component("users").orElseThrow().ttl()).hasValue(Duration.ofMinutes(1));
    assertThat(m.component("users").orElseThrow().maxSizeBytes()).hasValue(3072);
    assertThat(m.component("profiles").orElseThrow().ttl()).hasValue(Duration.ofMinutes(2));
  }

  @Test
  void withOverride_unknownComponent_isSL013ListingTheKnownNames() {
    assertThatThrownBy(() -> Manifest.from(AppCache.class).withOverride("user", "1m", null))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(codes(e)).containsExactly("SL013");
              assertThat(e.getMessage()).contains("no component named \"user\"");
              assertThat(e.help()).contains("\"users\", \"profiles\"");
            });
  }

  @Test
  void withOverride_badLiterals_areSL012NamingComponentAndSetting_bothAtOnce() {
    assertThatThrownBy(() -> Manifest.from(AppCache.class).withOverride("users", "10x", "50 MB"))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(codes(e)).containsExactly("SL012", "SL012");
              assertThat(e.diagnostics().get(0).message())
                  .isEqualTo(
                      "malformed duration literal \"10x\": unknown unit \"x\""
                          + " (ttl override of component \"users\")");
              assertThat(e.diagnostics().get(1).message())
                  .isEqualTo(
                      "malformed size literal \"50 MB\": unknown unit \" MB\""
                          + " (max-size override of component \"users\")");
            });
    assertThatThrownBy(() -> Manifest.from(AppCache.class).withOverride("users", "0s", null))
        .isInstanceOfSatisfying(
            StatelessException.class, e -> assertThat(codes(e)).containsExactly("SL012"));
  }

  @Test
  void withOverride_replacesAMalformedAnnotatedLiteral() {
    Manifest bad =
        Manifest.builder()
            .component(Component.builder("users").owns("user:*").ttl("10x").build())
            .build();
    assertThat(bad.validate()).extracting(Diagnostic::code).containsExactly("SL012");
    assertThat(bad.withOverride("users", "10s", null).validate()).isEmpty();
  }

  @Test
  void withOverride_keepsWhereAManifestFileDeclaresComponents() {
    Manifest file =
        Manifest.parse(
            "app.yaml",
            "components:\n"
                + "  users:\n"
                + "    owns: user:*\n"
                + "  more:\n"
                + "    owns: user:{id}\n");
    Manifest m = file.withOverride("users", "1m", null);
    assertThat(m.validate()).hasSize(1);
    assertThat(m.validate().get(0).render()).isEqualTo(file.validate().get(0).render());
    assertThat(m.validate().get(0).notes()).anyMatch(n -> n.contains("app.yaml:"));
  }

  @Test
  void withOverride_nullComponent_throwsNullPointer() {
    assertThatThrownBy(() -> Manifest.empty().withOverride(null, "1m", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("component");
  }
}
