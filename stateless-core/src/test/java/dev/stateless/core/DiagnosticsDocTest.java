package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The codes are documented in one place: every code has its section in docs/diagnostics.md. */
class DiagnosticsDocTest {

  @Test
  void everyCode_hasASectionAndATableRow() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "diagnostics.md"));
    for (Code code : Code.values()) {
      assertThat(doc).contains("\n## " + code.name() + " — ").contains("| " + code.name() + " |");
      assertThat(doc).contains("error[" + code.name() + "]");
    }
  }

  @Test
  void documentedMessages_matchWhatTheRulesSay() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "diagnostics.md"));
    Manifest m =
        Manifest.builder("AppCache")
            .component(Component.builder("users").owns("user:*").build())
            .component(Component.builder("profiles").owns("user:profile").build())
            .build();
    assertThat(doc).contains(m.validate().get(0).render());
    Manifest bad =
        Manifest.builder()
            .component(
                Component.builder("bad").owns("user:*:posts").maxSize("50 MB").ttl("10x").build())
            .build();
    for (Diagnostic d : bad.validate()) {
      assertThat(doc).contains(d.render());
    }
  }

  @Test
  void documentedOverrideMessages_matchWhatWithOverrideSays() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "diagnostics.md"));
    Manifest m =
        Manifest.builder("AppCache")
            .component(Component.builder("users").owns("user:*").build())
            .build();
    assertThat(doc).contains("withOverride(\"users\", \"10x\", \"50 MB\")");
    assertThatThrownBy(() -> m.withOverride("users", "10x", "50 MB"))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(e.diagnostics()).hasSize(2);
              for (Diagnostic d : e.diagnostics()) {
                assertThat(doc).contains(d.render());
              }
            });
  }

  @Test
  void documentedLengthLimit_matchesWhatParseSays() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "diagnostics.md"));
    String text = "user:" + "a:".repeat(1 << 19) + "*";
    assertThatThrownBy(() -> KeyPattern.parse(text))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e ->
                assertThat(doc)
                    .contains(e.getMessage())
                    .contains(
                        "cache.invalidatePattern(\"user:\" + \"a:\".repeat(1 << 19) + \"*\")"));
    assertThat(doc)
        .contains(String.format(Locale.ROOT, "at most %,d characters", KeyPattern.MAX_LENGTH));
  }
}
