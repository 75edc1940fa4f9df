package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Unannotated code is left alone unless strict mode is on ({@code -Astateless.strict} for the
 * processor, {@code -Xplugin:"stateless stateless.strict"} for the plugin), and then only warned
 * about.
 */
class StrictModeTest {
  private static final JavaFileObject MANIFEST =
      JavaFileObjects.forSourceLines(
          "app.AppCache",
          "package app;",
          "import dev.stateless.annotation.*;",
          "@CacheManifest",
          "public class AppCache {",
          "  @Layer(CacheLayer.EDGE) @Streaming(chunkSize = \"1MB\") @Owns(\"video:*\") Object videos;",
          "  @Owns(\"user:{id}\") Object users;",
          "  @Owns(\"user:{id}:posts\") Object posts;",
          "}");

  private static final JavaFileObject SERVICE =
      JavaFileObjects.forSourceLines(
          "app.Service",
          "package app;",
          "import dev.stateless.*;",
          "import dev.stateless.annotation.*;",
          "class Service {",
          "  StatelessCache cache;",
          "  void plain() {",
          "    cache.get(\"video:1\"); // streaming",
          "    cache.set(\"temp:1\", \"x\"); // unowned",
          "  }",
          "  @CacheAccess(owns = \"user:{id}\", borrows = \"user:{id}:posts\")",
          "  void named(String name, int id) {",
          "    cache.set(\"user:\" + name, \"x\"); // may reach posts",
          "    cache.set(\"user:\" + id, \"x\");",
          "    cache.set(\"user:\" + id + \":posts\", \"x\"); // certain",
          "  }",
          "}");

  @Test
  void byDefault_onlyCertainBreaksOfAnnotatedCode() {
    Compilation c = javac().withProcessors(new StatelessProcessor()).compile(MANIFEST, SERVICE);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadWarningCount(0);
    assertThat(c).hadErrorContaining("error[SL002]").inFile(SERVICE).onLineContaining("// certain");
  }

  @Test
  void strict_warnsOfPossibleBreaks_andOfUnannotatedCode() {
    Compilation c =
        javac()
            .withProcessors(new StatelessProcessor())
            .withOptions("-Astateless.strict")
            .compile(MANIFEST, SERVICE);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("error[SL002]").inFile(SERVICE).onLineContaining("// certain");
    assertThat(c)
        .hadWarningContaining("warning[SL002]: possible write to borrowed pattern")
        .inFile(SERVICE)
        .onLineContaining("// may reach posts");
    assertThat(c)
        .hadWarningContaining("warning[SL009]: plain read of key \"video:1\"")
        .inFile(SERVICE)
        .onLineContaining("// streaming");
    assertThat(c)
        .hadWarningContaining("warning[SL003]: write to key \"temp:1\", which no component owns")
        .inFile(SERVICE)
        .onLineContaining("// unowned");
    assertThat(c).hadWarningCount(3);
  }

  @Test
  void strictFalse_isTheDefault() {
    Compilation c =
        javac()
            .withProcessors(new StatelessProcessor())
            .withOptions("-Astateless.strict=false")
            .compile(MANIFEST, SERVICE);
    assertThat(c).hadWarningCount(0);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void pluginArgument_strict_isTheSameStrictMode() {
    // no processors: the plugin alone, its argument given on -Xplugin
    Compilation c =
        javac().withOptions("-Xplugin:stateless stateless.strict").compile(MANIFEST, SERVICE);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("error[SL002]").inFile(SERVICE).onLineContaining("// certain");
    assertThat(c)
        .hadWarningContaining("warning[SL003]: write to key \"temp:1\", which no component owns")
        .inFile(SERVICE)
        .onLineContaining("// unowned");
    assertThat(c).hadWarningCount(3);
  }

  @Test
  void pluginArgument_unknown_isSL012_andTheCodeIsStillChecked() {
    Compilation c = javac().withOptions("-Xplugin:stateless strict").compile(MANIFEST, SERVICE);
    assertThat(c).hadErrorContaining("error[SL012]: unknown stateless-checker option \"strict\"");
    assertThat(c).hadErrorContaining("= help: the options are stateless.strict and");
    assertThat(c).hadErrorContaining("error[SL002]").inFile(SERVICE).onLineContaining("// certain");
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadWarningCount(0);
  }

  @Test
  void pluginArgument_manifest_namingNoManifest_isSL013_once() {
    Compilation c =
        javac()
            .withOptions("-Xplugin:stateless stateless.manifest=app.Service,app.Missing")
            .compile(MANIFEST, SERVICE);
    assertThat(c)
        .hadErrorContaining(
            "error[SL013]: the option stateless.manifest names app.Service, which is not"
                + " annotated with @CacheManifest");
    assertThat(c)
        .hadErrorContaining(
            "error[SL013]: the option stateless.manifest names app.Missing, which is not on the"
                + " class path");
    // the rights the method declares still judge its borrowed write
    assertThat(c).hadErrorContaining("error[SL002]").inFile(SERVICE).onLineContaining("// certain");
    assertThat(c).hadErrorCount(3);
  }
}
