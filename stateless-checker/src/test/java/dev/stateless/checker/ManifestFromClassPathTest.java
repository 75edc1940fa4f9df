package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest compiled earlier (a dependency's jar) is read from its class file. */
class ManifestFromClassPathTest {
  @TempDir Path dir;

  /** Compiles the manifest alone, without the checker, as a library build would. */
  private List<File> libraryOnClassPath(String pkg) throws IOException {
    Path src = dir.resolve("src").resolve(pkg.replace('.', '/'));
    Files.createDirectories(src);
    Path file = src.resolve("AppCache.java");
    Files.writeString(
        file,
        String.join(
            "\n",
            "package " + pkg + ";",
            "import dev.stateless.annotation.*;",
            "@CacheManifest",
            "public class AppCache {",
            "  @Owns(\"order:*\") Object orders;",
            "  @Layer(CacheLayer.CLIENT) @Owns(\"user:*\") Object users;",
            "  @Owns(\"ref:{id}\") @ValueType(java.util.UUID.class) Object refs;",
            "  @Owns(\"tags:{id}\") @ValueType java.util.List<String> tags;",
            "}"));
    Path out = dir.resolve("classes");
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-proc:none",
            "-cp",
            System.getProperty("java.class.path"),
            "-d",
            out.toString(),
            file.toString());
    assertThat(rc).isZero();
    List<File> cp = new ArrayList<>();
    cp.add(out.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      cp.add(new File(entry));
    }
    return cp;
  }

  @Test
  void manifestInAnEnclosingPackageOfTheClassPath_isFoundAndApplied() throws IOException {
    List<File> cp = libraryOnClassPath("lib");
    JavaFileObject service =
        JavaFileObjects.forSourceLines(
            "lib.orders.OrderReader",
            "package lib.orders;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.*;",
            "class OrderReader {",
            "  StatelessCache cache;",
            "  @CacheAccess(borrows = \"order:*\")",
            "  void touch(long id) {",
            "    cache.get(\"order:\" + id);",
            "    cache.set(\"order:\" + id, \"x\");",
            "  }",
            "  @CacheAccess(follows = \"users\")",
            "  void user(int id) {",
            "    cache.set(\"user:\" + id, \"x\");",
            "    cache.layer(CacheLayer.SERVER).set(\"user:\" + id, \"y\");",
            "  }",
            "}");
    Compilation c =
        javac().withClasspath(cp).withProcessors(new StatelessProcessor()).compile(service);
    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("error[SL002]: write to borrowed pattern \"order:*\"")
        .inFile(service)
        .onLineContaining("cache.set(\"order:\"");
    assertThat(c).hadErrorContaining("lib.AppCache.class");
    assertThat(c)
        .hadErrorContaining("error[SL004]")
        .inFile(service)
        .onLineContaining("CacheLayer.SERVER");
  }

  @Test
  void valueTypesOfAManifestOnTheClassPath_areJudged() throws IOException {
    List<File> cp = libraryOnClassPath("lib");
    JavaFileObject service =
        JavaFileObjects.forSourceLines(
            "lib.refs.RefWriter",
            "package lib.refs;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.*;",
            "class RefWriter {",
            "  StatelessCache cache;",
            "  @CacheAccess(owns = {\"ref:{id}\", \"tags:{id}\"})",
            "  void write(long id) {",
            "    cache.set(\"ref:\" + id, java.util.UUID.randomUUID());",
            "    cache.set(\"tags:\" + id, java.util.List.of(\"a\"));",
            "    cache.set(\"ref:\" + id, \"not a UUID\");",
            "    cache.set(\"tags:\" + id, \"not a list\");",
            "  }",
            "}");
    Compilation c =
        javac().withClasspath(cp).withProcessors(new StatelessProcessor()).compile(service);
    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("holds values of type java.util.UUID")
        .inFile(service)
        .onLineContaining("\"not a UUID\"");
    assertThat(c)
        .hadErrorContaining("holds values of type java.util.List<java.lang.String>")
        .inFile(service)
        .onLineContaining("\"not a list\"");
  }

  @Test
  void manifestOutsideTheCodesPackages_isFoundThroughTheOption() throws IOException {
    List<File> cp = libraryOnClassPath("shared.cache");
    JavaFileObject service =
        JavaFileObjects.forSourceLines(
            "app.OrderReader",
            "package app;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.*;",
            "class OrderReader {",
            "  StatelessCache cache;",
            "  @CacheAccess(borrows = \"order:*\")",
            "  void touch(long id) {",
            "    cache.set(\"order:\" + id, \"x\");",
            "  }",
            "}");
    Compilation without =
        javac().withClasspath(cp).withProcessors(new StatelessProcessor()).compile(service);
    // No manifest found: borrowing still forbids the write, but nothing names an owner.
    assertThat(without).hadErrorContaining("SL002");
    assertThat(without.errors().get(0).getMessage(null)).doesNotContain("shared.cache.AppCache");

    Compilation with =
        javac()
            .withClasspath(cp)
            .withProcessors(new StatelessProcessor())
            .withOptions("-Astateless.manifest=shared.cache.AppCache")
            .compile(service);
    assertThat(with).hadErrorContaining("SL002").inFile(service).onLineContaining("cache.set");
    assertThat(with).hadErrorContaining("shared.cache.AppCache.class");
  }

  @Test
  void manifestOptionNamingNoManifest_isSL013() throws IOException {
    JavaFileObject service =
        JavaFileObjects.forSourceLines("app.Plain", "package app;", "class Plain {}");
    Compilation c =
        javac()
            .withProcessors(new StatelessProcessor())
            .withOptions("-Astateless.manifest=app.Missing")
            .compile(service);
    assertThat(c).hadErrorContaining("error[SL013]");
    assertThat(c).hadErrorContaining("app.Missing");
  }
}
