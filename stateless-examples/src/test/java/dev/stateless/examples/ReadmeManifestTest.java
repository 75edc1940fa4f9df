package dev.stateless.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.ValueType;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "A manifest" snippet: typed and untyped components, as written there. */
class ReadmeManifestTest {
  record User(String name) {}

  interface ProductCache {}

  @CacheManifest
  static final class AppCache {
    @Owns("user:*")
    @ValueType
    User userData; // typed: its values are Users

    @Owns("product:*")
    ProductCache productData; // untyped: the field's type is free

    @Borrows({"user:*", "product:*"})
    Object analytics; // borrowers read the owner's type
  }

  @Test
  void manifest_isSound_ownsByPattern_andTypesOnlyTheAnnotatedField() {
    Manifest manifest = Manifest.from(AppCache.class);
    assertThat(manifest.validate()).isEmpty();
    assertThat(manifest.ownerOf("user:123").map(Component::name)).hasValue("userData");
    assertThat(manifest.component("userData").flatMap(Component::valueType)).hasValue(User.class);
    assertThat(manifest.component("productData").flatMap(Component::valueType)).isEmpty();
    assertThat(manifest.component("analytics").flatMap(Component::valueType)).isEmpty();
  }

  @Test
  void readme_showsTheseFields() throws IOException {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertThat(readme)
        .contains("  @Owns(\"user:*\") @ValueType User userData;")
        .contains("  @Owns(\"product:*\") ProductCache productData;")
        .contains("  @Borrows({\"user:*\", \"product:*\"}) Object analytics;")
        .contains("manifest.ownerOf(\"user:123\"); // Optional[userData]");
  }
}
