package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.stream.Collectors;

/** Test helpers for manifest files: a manifest's whole content as text, and refusals. */
final class ManifestFiles {
  private ManifestFiles() {}

  /** Everything a manifest says, in order, patterns as written: equal text, same behaviour. */
  static String content(Manifest m) {
    StringBuilder out = new StringBuilder("layers=").append(m.layers());
    for (Component c : m.components()) {
      out.append("\n")
          .append(c.name())
          .append(" layer=")
          .append(c.layer())
          .append(" owns=")
          .append(texts(c.owns()))
          .append(" borrows=")
          .append(texts(c.borrows()))
          .append(" invalidates=")
          .append(texts(c.invalidates()))
          .append(" prefetch=")
          .append(texts(c.prefetch()))
          .append(" maxSize=")
          .append(c.maxSizeBytes())
          .append(" ttl=")
          .append(c.ttl())
          .append(" chunk=")
          .append(c.streamingChunkBytes())
          .append(" backfill=")
          .append(c.backfill())
          .append(" strategy=")
          .append(c.strategy())
          .append(" valueType=")
          .append(c.valueTypeName());
    }
    return out.toString();
  }

  private static List<String> texts(List<KeyPattern> patterns) {
    return patterns.stream().map(KeyPattern::toString).collect(Collectors.toList());
  }

  /** Asserts two manifests say the same (name aside) and judge keys and rules alike. */
  static void assertSameBehaviour(Manifest actual, Manifest expected, String... keys) {
    assertThat(content(actual)).isEqualTo(content(expected));
    for (String key : keys) {
      assertThat(actual.ownerOf(key).map(Component::name))
          .as(key)
          .isEqualTo(expected.ownerOf(key).map(Component::name));
    }
    assertThat(messages(actual.validate())).isEqualTo(messages(expected.validate()));
  }

  /** The findings without their notes (a file's findings add where components are declared). */
  static List<String> messages(List<Diagnostic> diagnostics) {
    return diagnostics.stream()
        .map(d -> d.code() + " " + d.message() + " / " + d.help())
        .collect(Collectors.toList());
  }

  /** Parses a text that must be refused, and returns the refusal. */
  static StatelessException refused(String text) {
    try {
      Manifest m = Manifest.parse("app.yaml", text);
      return fail("expected a refusal, parsed " + m + " from\n" + text);
    } catch (StatelessException e) {
      return e;
    }
  }

  /** Parses a text with one bad line and returns its one finding. */
  static Diagnostic onlyFinding(String text) {
    List<Diagnostic> d = refused(text).diagnostics();
    assertThat(d).as("findings").hasSize(1);
    return d.get(0);
  }
}
