package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The key mapping of a component's cache, for exact keys and keys known in part. */
class ComponentKeysTest {
  private static final KeyShape ID = KeyShape.builder().hole(KeyShape.Hole.SEGMENT).build();

  @Test
  void keyOf_asIs_filled_orPrefixedWithTheComponent() {
    ComponentKeys users = ComponentKeys.of(Component.builder("users").owns("user:{id}").build());
    assertThat(users.keyOf("user:4")).isEqualTo("user:4");
    assertThat(users.keyOf("4")).isEqualTo("user:4");
    ComponentKeys posts =
        ComponentKeys.of(Component.builder("posts").owns("user:{id}:posts").build());
    assertThat(posts.keyOf("4")).isEqualTo("user:4:posts");
    ComponentKeys stock =
        ComponentKeys.of(Component.builder("stock").owns("stock:{id}", "reserved:{id}").build());
    assertThat(stock.keyOf("5")).isEqualTo("stock:5");
    ComponentKeys featured =
        ComponentKeys.of(Component.builder("featured").owns("product:featured").build());
    assertThat(featured.keyOf("")).isEqualTo("product:featured");
    assertThat(featured.keyOf("x")).isEqualTo("featured:x");
  }

  @Test
  void shapeOf_anId_fillsTheOneOwnedPattern() {
    ComponentKeys posts =
        ComponentKeys.of(Component.builder("posts").owns("user:{id}:posts").build());
    assertThat(posts.shapeOf(ID).toString()).isEqualTo("user:{}:posts");
    assertThat(posts.shapeOf(ID).alwaysMatches(KeyPattern.parse("user:{id}:posts"))).isTrue();
  }

  @Test
  void shapeOf_aKeyInTheComponentsPatterns_isTheKey() {
    ComponentKeys sessions =
        ComponentKeys.of(
            Component.builder("sessions").owns("session:{id}").borrows("user:{id}").build());
    KeyShape user = KeyShape.exact("user:").concat(ID);
    assertThat(sessions.shapeOf(user)).isEqualTo(user);
  }

  @Test
  void shapeOf_anyText_coversEveryKeyTheTextMayMapTo() {
    ComponentKeys users = ComponentKeys.of(Component.builder("users").owns("user:{id}").build());
    KeyShape mapped = users.shapeOf(KeyShape.unknown());
    for (String text : new String[] {"4", "user:4", "a:b"}) {
      String key = users.keyOf(text);
      assertThat(mapped.mayMatch(KeyPattern.parse(key.replace("*", "\\*"))))
          .as("%s -> %s in %s", text, key, mapped)
          .isTrue();
    }
  }
}
