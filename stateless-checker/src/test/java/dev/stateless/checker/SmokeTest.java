package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void smoke() {
    JavaFileObject manifest =
        JavaFileObjects.forSourceLines(
            "app.AppCache",
            "package app;",
            "import dev.stateless.annotation.*;",
            "@CacheManifest",
            "public class AppCache {",
            "  @Owns(\"product:*\") Object products;",
            "  @Owns(\"user:*\") Object users;",
            "  @Owns(\"user:profile\") Object profiles;",
            "}");
    JavaFileObject service =
        JavaFileObjects.forSourceLines(
            "app.Service",
            "package app;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.*;",
            "class Service {",
            "  StatelessCache cache;",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void updateProduct(int id, String data) {",
            "    cache.set(\"product:\" + id, data);",
            "    cache.get(\"product:\" + id);",
            "  }",
            "}");
    Compilation c = javac().withProcessors(new StatelessProcessor()).compile(manifest, service);
    c.diagnostics().forEach(d -> System.out.println(d));
    assertThat(c).hadErrorContaining("SL002").inFile(service).onLineContaining("cache.set");
    assertThat(c).hadErrorContaining("SL001").inFile(manifest).onLineContaining("profiles");
  }
}
