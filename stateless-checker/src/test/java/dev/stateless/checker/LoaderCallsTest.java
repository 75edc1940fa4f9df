package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code get(key, loader)} and {@code computeIfAbsent}: judged as the write they make on a miss, as
 * the runtime judges them; {@code get(key)} and {@code get(key, type)} stay reads.
 */
class LoaderCallsTest {
  private static final JavaFileObject MANIFEST =
      JavaFileObjects.forSourceLines(
          "app.AppCache",
          "package app;",
          "import dev.stateless.annotation.*;",
          "@CacheManifest",
          "public class AppCache {",
          "  @Owns(\"user:*\") Object users;",
          "  @Borrows(\"user:*\") Object analytics;",
          "}");

  private JavaFileObject src;

  private Compilation compile(String... members) {
    String[] lines = new String[members.length + 6];
    lines[0] = "package app;";
    lines[1] = "import dev.stateless.*;";
    lines[2] = "import dev.stateless.annotation.*;";
    lines[3] = "class Service {";
    lines[4] = "  StatelessCache cache;";
    System.arraycopy(members, 0, lines, 5, members.length);
    lines[lines.length - 1] = "}";
    src = JavaFileObjects.forSourceLines("app.Service", lines);
    return javac().withProcessors(new StatelessProcessor()).compile(MANIFEST, src);
  }

  @Test
  void getWithLoader_onABorrowedKey_isSL002_asIsComputeIfAbsent() {
    Compilation c =
        compile(
            "  @CacheAccess(follows = \"analytics\")",
            "  void report(int id) {",
            "    Object a = cache.sync().get(\"user:\" + id, k -> \"x\"); // sync",
            "    cache.get(\"user:\" + id, k -> \"x\", java.time.Duration.ofSeconds(1)); // wait",
            "    cache.computeIfAbsent(\"user:\" + id, k -> \"x\"); // map name",
            "  }");
    assertThat(c).hadErrorCount(3);
    assertThat(c).hadErrorContaining("error[SL002]").inFile(src).onLineContaining("// sync");
    assertThat(c).hadErrorContaining("error[SL002]").inFile(src).onLineContaining("// wait");
    assertThat(c).hadErrorContaining("error[SL002]").inFile(src).onLineContaining("// map name");
  }

  @Test
  void plainAndTypedGets_onABorrowedKey_areReads() {
    Compilation c =
        compile(
            "  @CacheAccess(follows = \"analytics\")",
            "  void report(int id) {",
            "    Object a = cache.sync().get(\"user:\" + id);",
            "    String b = cache.sync().get(\"user:\" + id, String.class);",
            "    cache.get(\"user:\" + id, String.class);",
            "  }");
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void getWithLoader_onAnOwnedKey_compiles() {
    Compilation c =
        compile(
            "  @CacheAccess(follows = \"users\")",
            "  Object load(int id) {",
            "    cache.computeIfAbsent(\"user:\" + id, k -> \"x\");",
            "    return cache.sync().get(\"user:\" + id, k -> \"x\");",
            "  }");
    assertThat(c).succeededWithoutWarnings();
  }
}
