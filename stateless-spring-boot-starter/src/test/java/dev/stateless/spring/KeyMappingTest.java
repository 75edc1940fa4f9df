package dev.stateless.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.core.Component;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

class KeyMappingTest {
  private static KeyMapping mapping(Component.Builder b) {
    return new KeyMapping(b.build());
  }

  @Test
  void keyMatchingAnOwnedPattern_isUsedAsIs() {
    KeyMapping m = mapping(Component.builder("users").owns("user:{id}", "user:{id}:posts"));
    assertThat(m.keyOf("user:42:posts")).isEqualTo("user:42:posts");
  }

  @Test
  void keyMatchingABorrowedPattern_isUsedAsIs() {
    KeyMapping m = mapping(Component.builder("sessions").owns("session:{id}").borrows("user:*"));
    assertThat(m.keyOf("user:1:x")).isEqualTo("user:1:x");
  }

  @Test
  void oneOwnedPattern_fillsItsFirstHole() {
    assertThat(mapping(Component.builder("users").owns("user:{id}")).keyOf(42L))
        .isEqualTo("user:42");
    assertThat(mapping(Component.builder("posts").owns("user:{id}:posts")).keyOf("7"))
        .isEqualTo("user:7:posts");
  }

  @Test
  void oneOwnedWildcardPattern_fillsTheWildcard() {
    assertThat(mapping(Component.builder("pages").owns("page:*")).keyOf("a:b"))
        .isEqualTo("page:a:b");
  }

  @Test
  void literalSegmentsAfterTheHole_areUnescaped() {
    assertThat(mapping(Component.builder("a").owns("a:{id}:x\\*y")).keyOf("1"))
        .isEqualTo("a:1:x*y");
  }

  @Test
  void severalOwnedPatterns_giveComponentColonKey() {
    KeyMapping m = mapping(Component.builder("stock").owns("stock:{id}", "reserved:{id}"));
    assertThat(m.keyOf(5)).isEqualTo("stock:5");
    assertThat(m.keyOf("reserved:5")).isEqualTo("reserved:5");
  }

  @Test
  void emptyKey_ofALiteralOwner_isTheLiteral() {
    assertThat(mapping(Component.builder("featured").owns("product:featured")).keyOf(""))
        .isEqualTo("product:featured");
  }

  @Test
  void simpleKey_isRefused_namingTheKeyGenerator() {
    KeyMapping m = mapping(Component.builder("users").owns("user:{id}"));
    assertThatThrownBy(() -> m.keyOf(new SimpleKey(1, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statelessKeyGenerator");
  }

  @Test
  void keyGenerator_joinsArgumentsWithColons() throws Exception {
    StatelessKeyGenerator g = new StatelessKeyGenerator();
    var method = Object.class.getMethod("toString");
    assertThat(g.generate(this, method, 7L)).isEqualTo(7L);
    assertThat(g.generate(this, method, 7L, "ada")).isEqualTo("7:ada");
    assertThat(g.generate(this, method)).isEqualTo("");
  }
}
