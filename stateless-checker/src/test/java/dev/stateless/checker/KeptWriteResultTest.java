package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A {@code set} whose result is kept (returned, stored) may get its cleanup later: only a {@code
 * SESSION} method's write is then a possible SL010, a warning in strict mode. Pins the SL010
 * question the checker asks with the key's own shape (it used to ask with an unknown key, which
 * cost half the checker's time on a large project).
 */
class KeptWriteResultTest {
  private static final JavaFileObject MANIFEST =
      JavaFileObjects.forSourceLines(
          "app.AppCache",
          "package app;",
          "import dev.stateless.annotation.*;",
          "@CacheManifest",
          "public class AppCache {",
          "  @Owns(\"session:*\") Object sessions;",
          "  @Owns(\"user:*\") Object users;",
          "}");

  private static JavaFileObject service(String lifetime) {
    return JavaFileObjects.forSourceLines(
        "app.Service",
        "package app;",
        "import dev.stateless.CacheWrite;",
        "import dev.stateless.StatelessCache;",
        "import dev.stateless.annotation.*;",
        "class Service {",
        "  StatelessCache cache;",
        "  @CacheAccess(owns = \"session:*\", lifetime = Lifetime." + lifetime + ")",
        "  CacheWrite login(long id, String v) {",
        "    CacheWrite w = cache.set(\"session:\" + id, v);",
        "    return w;",
        "  }",
        "}");
  }

  @Test
  void keptSet_inSessionMethod_isPossibleSL010InStrictMode() {
    JavaFileObject service = service("SESSION");
    Compilation c =
        javac()
            .withProcessors(new StatelessProcessor())
            .withOptions("-Astateless.strict")
            .compile(MANIFEST, service);
    assertThat(c).succeeded();
    assertThat(c).hadWarningContaining("SL010").inFile(service).onLineContaining("cache.set");
  }

  @Test
  void keptSet_inSessionMethod_compilesCleanInLenientMode() {
    Compilation c =
        javac().withProcessors(new StatelessProcessor()).compile(MANIFEST, service("SESSION"));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void keptSet_withoutLifetime_hasNoFindingInStrictMode() {
    Compilation c =
        javac()
            .withProcessors(new StatelessProcessor())
            .withOptions("-Astateless.strict")
            .compile(MANIFEST, service("NONE"));
    assertThat(c).succeededWithoutWarnings();
  }
}
