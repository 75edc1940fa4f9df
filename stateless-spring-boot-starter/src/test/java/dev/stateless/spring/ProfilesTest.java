package dev.stateless.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.core.Manifest;
import dev.stateless.spring.shop.ShopApplication;
import dev.stateless.spring.shop.ShopCache;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Per-environment overrides of the manifest through a Spring profile (application-prod.properties).
 */
class ProfilesTest {
  private static Manifest manifestOf(String... profiles) {
    try (ConfigurableApplicationContext ctx =
        new SpringApplicationBuilder(ShopApplication.class)
            .web(WebApplicationType.NONE)
            .profiles(profiles)
            .properties(
                "stateless.manifest.class-name=" + ShopCache.class.getName(),
                "spring.main.banner-mode=off")
            .run()) {
      return ctx.getBean(StatelessCache.class).manifest();
    }
  }

  @Test
  void prodProfile_overridesTtlAndMaxSize() {
    Manifest prod = manifestOf("prod");

    assertThat(prod.component("users").orElseThrow().ttl()).contains(Duration.ofHours(1));
    assertThat(prod.component("products").orElseThrow().maxSizeBytes()).hasValue(64L << 20);
  }

  @Test
  void noProfile_keepsTheManifests() {
    Manifest plain = manifestOf();

    assertThat(plain.component("users").orElseThrow().ttl()).isEmpty();
    assertThat(plain.component("products").orElseThrow().maxSizeBytes()).isEmpty();
  }
}
