package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.stateless.checker.CheckedSources.assertNoDiagnostics;
import static dev.stateless.checker.CheckedSources.compile;
import static dev.stateless.checker.CheckedSources.manifest;
import static dev.stateless.checker.CheckedSources.service;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bugs the checker had, each pinned by the test named after it. */
class CheckerRegressionTest {

  /**
   * javac generates each class right after analyzing it, and then forgets where its declarations
   * are: notes on a manifest (or a callee) compiled earlier in the same build were dropped, and the
   * message named {@code app.AppCache.class} instead of the source line.
   */
  @Test
  void note_onDeclarationOfAClassJavacAlreadyGenerated_isReportedAtItsSourceLine() {
    JavaFileObject m = manifest();
    JavaFileObject code =
        service(
            "ProductService",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void update(Object v) {",
            "    cache.set(\"product:1\", v);",
            "  }");
    Compilation c = compile(m, code);
    assertThat(c)
        .hadNoteContaining("component \"catalog\" is declared here")
        .inFile(m)
        .onLineContaining("Object catalog");
    assertThat(c)
        .hadErrorContaining("component \"catalog\" is declared here (AppCache.java:10)")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  /**
   * Looking for manifests among the classes being compiled lost its place after a class's first
   * member class, and threw at the second: the class using the cache was then not checked at all.
   * It shows where javac analyzes every class before generating any, as {@code
   * -XDcompilePolicy=simple} (which Error Prone requires) makes it.
   */
  @Test
  void classWithTwoMemberClasses_analyzedBeforeTheCode_leavesTheCodeChecked() {
    JavaFileObject holder =
        JavaFileObjects.forSourceLines(
            "app.Holder",
            "package app;",
            "",
            "class Holder {",
            "  static class First {}",
            "",
            "  static class Second {}",
            "}");
    JavaFileObject code =
        service(
            "ProductService",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void update(Object v) {",
            "    cache.set(\"product:1\", v);",
            "  }");
    Compilation c =
        javac()
            .withProcessors(new StatelessProcessor())
            .withOptions("-XDcompilePolicy=simple")
            .compile(manifest(), holder, code);
    assertThat(c)
        .hadErrorContaining("error[SL002]: write to borrowed pattern \"product:*\"")
        .inFile(code)
        .onLineContaining("cache.set(");
    assertThat(c).hadWarningCount(0);
  }

  /** A layer view the application lacks was SL007 twice: at the view and again at the key. */
  @Test
  void layerViewMissing_isReportedOnce_atTheView() {
    JavaFileObject m =
        CheckedSources.manifest(
            "@CacheManifest(layers = {CacheLayer.EDGE, CacheLayer.SERVER})",
            "  @Owns(\"user:*\") Object userData;");
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(Object v) {",
            "    cache.layer(CacheLayer.CLIENT).set(\"user:1\", v);",
            "  }");
    Compilation c = compile(m, code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL007]: layer view CLIENT used by Users.write")
        .inFile(code)
        .onLineContaining("cache.layer(CacheLayer.CLIENT)");
  }

  /** A layer view kept in a local is still one view: SL007 once. */
  @Test
  void layerViewMissing_inALocal_isReportedOnce() {
    JavaFileObject m =
        CheckedSources.manifest(
            "@CacheManifest(layers = {CacheLayer.EDGE, CacheLayer.SERVER})",
            "  @Owns(\"user:*\") Object userData;");
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(Object v) {",
            "    StatelessCache client = cache.layer(CacheLayer.CLIENT);",
            "    client.set(\"user:1\", v);",
            "    client.set(\"user:2\", v);",
            "  }");
    Compilation c = compile(m, code);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("SL007").inFile(code).onLineContaining("cache.layer(");
  }

  /**
   * {@code b ? "product:1" : "product:2"} was any text, so a borrower's write was reported as a
   * plain write of streaming data (SL009, the rule of some other key); both branches start with
   * {@code product:}.
   */
  @Test
  void conditionalKey_ofTwoBorrowedLiterals_isSL002_notSL009() {
    JavaFileObject code =
        service(
            "Products",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void write(boolean first, Object v) {",
            "    cache.set(first ? \"product:1\" : \"product:2\", v);",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL002]: write to borrowed pattern \"product:*\"")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void conditionalKey_ofOwnedLiterals_compiles() {
    assertNoDiagnostics(
        CheckedSources.compileStrict(
            manifest(),
            service(
                "Products",
                "  @CacheAccess(owns = \"user:{id}\", borrows = \"user:{id}:posts\")",
                "  void write(boolean first, Object v) {",
                "    cache.set(first ? \"user:1\" : \"user:2\", v);",
                "  }")));
  }

  @Test
  void conditionalKey_withOneLegalBranch_isNoError_andAWarningInStrictMode() {
    JavaFileObject code =
        service(
            "Products",
            "  @CacheAccess(owns = \"user:*\", borrows = \"product:*\")",
            "  void write(boolean first, Object v) {",
            "    cache.set(first ? \"user:1\" : \"product:1\", v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
    Compilation c = CheckedSources.compileStrict(manifest(), code);
    assertThat(c).succeeded();
    assertThat(c)
        .hadWarningContaining("warning[SL002]")
        .inFile(code)
        .onLineContaining("cache.set(");
    assertThat(c)
        .hadWarningContaining(
            "some keys this expression can produce keep the rule, others break it");
  }

  /**
   * An enum constant with a body may override {@code toString} with text holding {@code :}; such an
   * enum was one segment, so a key that reaches an owned pattern was a certain error.
   */
  @Test
  void enumWithAConstantBody_mayPrintColons_isNoError() {
    assertNoDiagnostics(
        compile(
            manifest(),
            service(
                "Users",
                "  enum Kind { A { @Override public String toString() { return \"1:posts\"; } }, B"
                    + " }",
                "  @CacheAccess(owns = \"user:*\", borrows = \"user:{id}\")",
                "  void write(Kind kind, Object v) {",
                "    cache.set(\"user:\" + kind, v);",
                "  }")));
  }

  @Test
  void enumWithoutBodies_inSource_isOneSegment() {
    JavaFileObject code =
        service(
            "Users",
            "  enum Kind { A, B }",
            "  @CacheAccess(owns = \"user:*\", borrows = \"user:{id}\")",
            "  void write(Kind kind, Object v) {",
            "    cache.set(\"user:\" + kind, v);",
            "  }");
    assertThat(compile(manifest(), code))
        .hadErrorContaining("error[SL002]: write to borrowed pattern \"user:{id}\" (key user:{})")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  /** The manifest of a dependency is read from its class file (its annotations are runtime). */
  @Test
  void manifest_inAClassFileOnTheClassPath_isApplied(@TempDir Path dir) throws IOException {
    Compilation library = javac().compile(manifest());
    assertThat(library).succeeded();
    for (JavaFileObject f : library.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        Path out = dir.resolve("app").resolve("AppCache.class");
        Files.createDirectories(out.getParent());
        try (InputStream in = f.openInputStream()) {
          Files.copy(in, out);
        }
      }
    }
    List<File> classpath = new ArrayList<>();
    classpath.add(dir.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classpath.add(new File(entry));
    }
    JavaFileObject code =
        service(
            "ProductService",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void update(Object v) {",
            "    cache.set(\"product:1\", v);",
            "  }");
    Compilation c =
        javac().withProcessors(new StatelessProcessor()).withClasspath(classpath).compile(code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("component \"catalog\" is declared here (app.AppCache.class)")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  /** Code declaring invalidates = "profile:*" got SL003 for dropping a profile key itself. */
  @Test
  void droppingADeclaredDependent_compiles_writingItDoesNot() {
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\", invalidates = \"profile:*\")",
            "  void rename(long id, String name) {",
            "    cache.set(\"user:\" + id, name);",
            "    cache.invalidatePattern(\"profile:*\");",
            "    cache.del(\"profile:\" + id);",
            "    cache.set(\"profile:\" + id, name); // not its data",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("error[SL003]").inFile(code).onLineContaining("// not its");
  }

  /**
   * An unknown key written by code that only borrows was blamed on the streaming component some of
   * its values would reach: error[SL009] "plain write of key {..}"; then on the one pattern the
   * code borrows, which the key may not be in (issue 18): it is SL003, naming each possibility.
   */
  @Test
  void unknownKeyWrittenByABorrower_isSL003_notSL009() {
    JavaFileObject code =
        service(
            "Products",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void touch(String key) {",
            "    cache.set(key, \"x\");",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL003]: write to key {..}, none of whose keys Products.touch may write")
        .inFile(code)
        .onLineContaining("cache.set(key");
    assertThat(c)
        .hadErrorContaining("it may be a key of \"product:*\", which Products.touch borrows");
  }

  /** A key of more than eight parts lost its literal start (the evaluator's depth limit). */
  @Test
  void longConcatenatedKey_keepsItsPrefix() {
    JavaFileObject code =
        service(
            "Products",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void touch(int a, int b, int c, int d, int e) {",
            "    cache.set(\"product:\" + a + \":\" + b + \":\" + c + \":\" + d + \":\" + e"
                + " + \":x\", \"v\");",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL002]: write to borrowed pattern \"product:*\"")
        .inFile(code)
        .onLineContaining("cache.set(");
  }
}
