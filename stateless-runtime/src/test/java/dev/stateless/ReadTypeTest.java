package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.core.StatelessException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * SL014 on reads: {@code get(key, type)} of a key whose owner declares a {@code @ValueType} no
 * value of {@code type} can have is refused before reading, with the code the compile-time checker
 * reports for the same call (issue 18, point 4).
 */
class ReadTypeTest {

  @Test
  void get_asATypeTheOwnersValuesCannotBe_failsWithSL014_presentOrNot() {
    try (StatelessCache c = StatelessCache.builder().manifest(TestManifest.class).build()) {
      assertThatThrownBy(() -> c.sync().get("count:1", String.class))
          .isInstanceOf(StatelessException.class)
          .hasMessageStartingWith(
              "error[SL014]: read of \"count:1\" as java.lang.String, whose owner \"counts\""
                  + " holds values of type java.lang.Long")
          .hasMessageContaining("help: read it as a java.lang.Long");
      c.sync().set("count:1", 5L);
      assertThatThrownBy(() -> c.get("count:1", Integer.class).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(StatelessException.class)
          .hasMessageStartingWith("error[SL014]: read of \"count:1\" as java.lang.Integer");
    }
  }

  @Test
  void get_asTheDeclaredTypeOrASupertype_reads() {
    try (StatelessCache c = StatelessCache.builder().manifest(TestManifest.class).build()) {
      assertThat(c.sync().get("count:2", Long.class)).isNull();
      c.sync().set("count:2", 7L);
      assertThat(c.sync().get("count:2", Long.class)).isEqualTo(7L);
      assertThat(c.sync().get("count:2", Number.class)).isEqualTo(7L);
      Object comparable = c.sync().get("count:2", Comparable.class);
      assertThat(comparable).isEqualTo(7L);
      c.sync().set("plain:1", "text"); // untyped: any type may be asked for
      assertThat(c.sync().get("plain:1", String.class)).isEqualTo("text");
    }
  }
}
