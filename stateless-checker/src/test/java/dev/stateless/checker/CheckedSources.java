package dev.stateless.checker;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaFileObject;

/**
 * The sources the checker tests compile: the seeds' manifest (seed 003 in Java, one field a line so
 * a test can point at a component by its line), variants of it, and service classes in the same
 * package that call the real runtime API.
 */
final class CheckedSources {
  /** The seeds' components, one a line (DESIGN.md: client_primary is @Layer(CLIENT), etc.). */
  static final List<String> SEED_COMPONENTS =
      List.of(
          // Ownership rules, cache thrashing: user data is client-primary.
          "  @Layer(CacheLayer.CLIENT) @Owns(\"user:*\") Object userData;",
          "  @Layer(CacheLayer.EDGE) @Owns(\"content:*\") Object contentCache;",
          // Redundant caching: the catalog lives at the edge, 50MB at most.
          "  @Layer(CacheLayer.EDGE) @Owns(\"products:*\") @MaxSize(\"50MB\") Object productCache;",
          "  @Owns(\"product:*\") Object catalog;",
          // Invalidation hell: the dependents of a user.
          "  @Owns(\"profile:*\") Object profiles;",
          "  @Owns(\"settings:*\") Object settings;",
          // Bandwidth waste: videos are streamed from the edge.
          "  @Layer(CacheLayer.EDGE) @Streaming(chunkSize = \"1MB\") @Owns(\"video:*\") Object"
              + " videoCache;",
          // Cold start: warm the popular keys.
          "  @Prefetch(\"popular:*\") @Backfill @Owns(\"popular:*\") Object dataCache;",
          // Lifetimes: session entries.
          "  @Owns(\"session:*\") Object sessions;",
          // One owner per key shape: an author and the author's posts.
          "  @Owns(\"author:{id}\") Object authors;",
          "  @Owns(\"author:{id}:posts\") @Borrows(\"author:{id}\") Object posts;",
          // Strategy rules: offline_first (CLIENT_FIRST) and real_time (GLOBAL_CONSISTENT) data.
          "  @Layer(CacheLayer.CLIENT) @UseStrategy(Strategy.CLIENT_FIRST) @Owns(\"draft:*\") Object"
              + " drafts;",
          "  @UseStrategy(Strategy.GLOBAL_CONSISTENT) @Owns(\"account:*\") Object accounts;");

  private CheckedSources() {}

  /** {@code app.AppCache}: the seeds' manifest, which keeps every manifest rule. */
  static JavaFileObject manifest() {
    return manifest("@CacheManifest", SEED_COMPONENTS);
  }

  /** The seeds' manifest without the component declared by {@code Object <name>;}. */
  static JavaFileObject manifestWithout(String name) {
    List<String> fields = new ArrayList<>();
    for (String f : SEED_COMPONENTS) {
      if (!f.endsWith(" " + name + ";")) {
        fields.add(f);
      }
    }
    if (fields.size() != SEED_COMPONENTS.size() - 1) {
      throw new IllegalArgumentException("no component " + name + " in the seeds' manifest");
    }
    return manifest("@CacheManifest", fields);
  }

  /** {@code app.AppCache} with the given manifest annotation and component lines. */
  static JavaFileObject manifest(String annotation, String... fields) {
    return manifest(annotation, Arrays.asList(fields));
  }

  private static JavaFileObject manifest(String annotation, List<String> fields) {
    List<String> lines = new ArrayList<>();
    lines.add("package app;");
    lines.add("");
    lines.add("import dev.stateless.annotation.*;");
    lines.add("");
    lines.add(annotation);
    lines.add("public class AppCache {");
    lines.addAll(fields);
    lines.add("}");
    return JavaFileObjects.forSourceLines("app.AppCache", lines);
  }

  /**
   * A class {@code app.<name>} whose body is the given lines, with the runtime API imported and a
   * {@code cache} field.
   */
  static JavaFileObject service(String name, String... body) {
    List<String> lines = new ArrayList<>();
    lines.add("package app;");
    lines.add("");
    lines.add("import dev.stateless.*;");
    lines.add("import dev.stateless.annotation.*;");
    lines.add("import dev.stateless.redis.RedisAdapter;");
    lines.add("");
    lines.add("class " + name + " {");
    lines.add("  StatelessCache cache;");
    lines.add("");
    lines.addAll(Arrays.asList(body));
    lines.add("}");
    return JavaFileObjects.forSourceLines("app." + name, lines);
  }

  /** Asserts a compilation succeeded with no diagnostic at all: no warning, no note. */
  static void assertNoDiagnostics(Compilation c) {
    CompilationSubject.assertThat(c).succeededWithoutWarnings();
    if (!c.diagnostics().isEmpty()) {
      throw new AssertionError("expected no diagnostics, got:\n" + c.diagnostics());
    }
  }

  /** Compiles with the checker in its default (lenient) mode. */
  static Compilation compile(JavaFileObject... sources) {
    return javac().withProcessors(new StatelessProcessor()).compile(sources);
  }

  /** Compiles with {@code -Astateless.strict}. */
  static Compilation compileStrict(JavaFileObject... sources) {
    return javac()
        .withProcessors(new StatelessProcessor())
        .withOptions("-A" + CheckerOptions.STRICT)
        .compile(sources);
  }
}
