package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.stateless.checker.CheckedSources.assertNoDiagnostics;
import static dev.stateless.checker.CheckedSources.compile;
import static dev.stateless.checker.CheckedSources.manifest;
import static dev.stateless.checker.CheckedSources.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial review of the checker (issue 5): each test pins one problem found by compiling
 * probes. Every test here failed on the reviewed code; each says, after {@code // Was:}, what
 * happens and what should.
 */
class ReviewProbesTest {
  @TempDir Path dir;

  // ---- crashes: an exception escaping into javac fails the build ----

  // Was: a manifest in a jar built against a newer stateless-annotations (an enum constant this
  // checker's annotations lack) crashes javac: ClientCodeException: EnumConstantNotPresentException
  // CacheLayer.MOON, from Component.fromAnnotations via Manifests.readNow. Expected: no exception
  // (at most a diagnostic saying the manifest cannot be read).
  @Test
  void manifestInAJar_withAnEnumConstantTheCheckerLacks_doesNotCrashJavac() throws IOException {
    List<File> cp =
        libraryWithNewerAnnotations(
            "lib.LibCache",
            "package lib;",
            "import dev.stateless.annotation.*;",
            "@CacheManifest",
            "public class LibCache {",
            "  @Owns(\"user:*\") @Layer(CacheLayer.MOON) public Object users;",
            "}");
    JavaFileObject code =
        JavaFileObjects.forSourceLines(
            "lib.Use",
            "package lib;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.*;",
            "class Use {",
            "  StatelessCache cache;",
            "  @CacheAccess(owns = \"user:*\")",
            "  void go() { cache.set(\"user:1\", 1); }",
            "}");
    assertThatCode(
            () -> javac().withClasspath(cp).withProcessors(new StatelessProcessor()).compile(code))
        .doesNotThrowAnyException();
  }

  // Was: calling a library method whose @CacheAccess names a strategy this checker's annotations
  // lack crashes javac: EnumConstantNotPresentException Strategy.QUANTUM, from Checker.declared
  // (ca.strategy()) via AccessScanner.checkCallee. Expected: no exception.
  @Test
  void callOfALibraryMethod_withAStrategyTheCheckerLacks_doesNotCrashJavac() throws IOException {
    List<File> cp =
        libraryWithNewerAnnotations(
            "lib.LibService",
            "package lib;",
            "import dev.stateless.annotation.*;",
            "public class LibService {",
            "  @CacheAccess(strategy = Strategy.QUANTUM)",
            "  public static void quantum() {}",
            "}");
    JavaFileObject code =
        JavaFileObjects.forSourceLines(
            "app.Use",
            "package app;",
            "import dev.stateless.annotation.*;",
            "class Use {",
            "  @CacheAccess(owns = \"user:*\")",
            "  void go() { lib.LibService.quantum(); }",
            "}");
    assertThatCode(
            () ->
                javac()
                    .withClasspath(cp)
                    .withProcessors(new StatelessProcessor())
                    .compile(manifest(), code))
        .doesNotThrowAnyException();
  }

  // Was: code compiled against a newer stateless-annotations than the checker's own (the user
  // bumps the annotations dependency, not annotationProcessorPaths) crashes javac:
  // IllegalArgumentException "No enum constant dev.stateless.annotation.CacheLayer.MOON" from
  // Enum.valueOf in AccessScanner.constant (via viewOf). Expected: no exception (an unknown
  // constant is an unknown layer).
  @Test
  void codeUsingAnEnumConstantTheCheckerLacks_doesNotCrashJavac() throws IOException {
    List<File> cp = newerAnnotationsFirstOnTheClassPath();
    JavaFileObject code =
        service(
            "Moon",
            "  @CacheAccess(owns = \"user:*\")",
            "  void read() { cache.layer(CacheLayer.MOON).get(\"user:1\"); }");
    assertThatCode(
            () ->
                javac()
                    .withClasspath(cp)
                    .withProcessors(new StatelessProcessor())
                    .compile(manifest(), code))
        .doesNotThrowAnyException();
  }

  // Was: an explicit format index beyond int (legal Java, fails only at run time) crashes javac:
  // NumberFormatException "99999999999" from Integer.parseInt in KeyShapes.format. Expected: the
  // argument is unknown, no exception.
  @Test
  void formatIndexBeyondInt_doesNotCrashJavac() {
    JavaFileObject code =
        service(
            "Formats",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(int id, Object v) {",
            "    cache.set(String.format(\"user:%99999999999$s\", id), v);",
            "  }");
    assertThatCode(() -> compile(manifest(), code)).doesNotThrowAnyException();
  }

  // ---- false positives in the default mode ----

  // Was: KeyShapes.overridable treats every enum method as final, but a constant with a body
  // overrides it: error[SL003] "write to key user:{}, which KeyWriter.write does not own" although
  // Kind.PRODUCT writes product:1, which the method owns. Expected: no diagnostic.
  @Test
  void enumConstantBody_overridingAKeyBuilder_isNoError() {
    JavaFileObject code =
        service(
            "KeyWriter",
            "  enum Kind {",
            "    PRODUCT { @Override String prefix() { return \"product:\"; } },",
            "    USER;",
            "    String prefix() { return \"user:\"; }",
            "  }",
            "  @CacheAccess(owns = \"product:*\")",
            "  void write(Kind kind, int id, Object v) {",
            "    cache.set(kind.prefix() + id, v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  // Was: setWithStrategy returns a CacheWrite too, but AccessScanner.check (SET_WITH_STRATEGY)
  // always judges it as a WRITE without cleanup: error[SL010] "session entry key "session:1"
  // written without a cleanup" although .withCleanup(fn) is chained (the runtime accepts it).
  // Expected: no diagnostic, as for set(..).withCleanup(..).
  @Test
  void setWithStrategy_withCleanup_inASession_isNoError() {
    JavaFileObject code =
        service(
            "Sessions",
            "  @CacheAccess(owns = \"session:*\", lifetime = Lifetime.SESSION)",
            "  void inSessionCode(Runnable fn) {",
            "    cache.setWithStrategy(\"session:1\", 1, Strategy.DEFAULT).withCleanup(fn);",
            "  }",
            "  @CacheAccess(owns = \"session:*\")",
            "  void throughASessionView(Runnable fn) {",
            "    try (StatelessCache s = cache.session()) {",
            "      s.setWithStrategy(\"session:2\", 1, Strategy.DEFAULT).withCleanup(fn);",
            "    }",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  // Was: the manifest of a multi-module build (module cache-model: com.acme.cache.AppCache) is on
  // the class path but not in an enclosing package of com.acme.orders, so Manifests.choose finds
  // none and judges against the empty manifest: error[SL013] "no component named "orders" in
  // manifest (no manifest)" and error[SL003] "write to key order:{}, which no component owns". The
  // same happens in an IDE's incremental build that recompiles only OrderService.java. Expected:
  // no error when no manifest was found (a warning saying -Astateless.manifest is needed at most).
  @Test
  void manifestOfAnotherModule_inASiblingPackage_isNoErrorWithoutTheOption() throws IOException {
    List<File> cp =
        compiledLibrary(
            false,
            "com.acme.cache.AppCache",
            "package com.acme.cache;",
            "import dev.stateless.annotation.*;",
            "@CacheManifest",
            "public class AppCache {",
            "  @Owns(\"order:*\") Object orders;",
            "}");
    JavaFileObject code =
        JavaFileObjects.forSourceLines(
            "com.acme.orders.OrderService",
            "package com.acme.orders;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.*;",
            "class OrderService {",
            "  StatelessCache cache;",
            "  @CacheAccess(follows = \"orders\")",
            "  void save(long id) { cache.set(\"order:\" + id, 1); }",
            "}");
    Compilation c =
        javac().withClasspath(cp).withProcessors(new StatelessProcessor()).compile(code);
    assertThat(c).succeeded();
    assertThat(c.errors()).isEmpty();
  }

  // Was: KeyShapes prints a literal with its own type, not the type it is converted to: `double r
  // = 1` is "1" (Java prints "1.0"), `char sep = 58` is "58" (Java prints ":"). Errors:
  // error[SL003] write to key "rate:1", which no component owns; error[SL003] write to key
  // user58{}, which no component owns. Same for a key builder's parameter (rate(1) with a double
  // parameter). Expected: no diagnostic (KeyShapes.variable / keyBuilder: when the variable's or
  // parameter's type differs from the value's, use holeFor(its type)).
  @Test
  void literalWidenedToAnotherPrimitiveType_isJudgedByTheTextJavaPrints() {
    JavaFileObject manifest =
        CheckedSources.manifest(
            "@CacheManifest",
            "  @Owns(\"rate:1.0\") Object rates;",
            "  @Owns(\"user:*\") Object users;");
    JavaFileObject code =
        service(
            "Rates",
            "  static String rate(double r) { return \"rate:\" + r; }",
            "  @CacheAccess(owns = {\"rate:1.0\", \"user:*\"})",
            "  void write(int id) {",
            "    double r = 1;",
            "    cache.set(\"rate:\" + r, 1);",
            "    cache.set(rate(1), 1);",
            "    char sep = 58;",
            "    cache.set(\"user\" + sep + id, 1);",
            "  }");
    assertNoDiagnostics(compile(manifest, code));
  }

  // Was (documented, but a default-mode diagnostic on correct code that -Werror turns into a
  // failed build): manifests app.orders.OrderCache and app.users.UserCache, code in app.web:
  // "warning[SL013]: cannot tell which manifest applies to Controller.read: ... are equally near".
  // Neither is near (neither is in an enclosing package); Manifests.choose falls back to every
  // manifest. Expected: no diagnostic by default (the warning belongs to strict mode).
  @Test
  void siblingManifests_codeInAThirdPackage_noDiagnosticByDefault() {
    JavaFileObject orders =
        JavaFileObjects.forSourceLines(
            "app.orders.OrderCache",
            "package app.orders;",
            "import dev.stateless.annotation.*;",
            "@CacheManifest",
            "public class OrderCache {",
            "  @Owns(\"order:*\") Object orders;",
            "}");
    JavaFileObject users =
        JavaFileObjects.forSourceLines(
            "app.users.UserCache",
            "package app.users;",
            "import dev.stateless.annotation.*;",
            "@CacheManifest",
            "public class UserCache {",
            "  @Owns(\"user:*\") Object users;",
            "}");
    JavaFileObject web =
        JavaFileObjects.forSourceLines(
            "app.web.Controller",
            "package app.web;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.*;",
            "class Controller {",
            "  StatelessCache cache;",
            "  @CacheAccess(borrows = \"order:*\")",
            "  void read(long id) { cache.get(\"order:\" + id); }",
            "}");
    assertNoDiagnostics(compile(orders, users, web));
  }

  // ---- messages ----

  // Was (noise): a broken declaration (here a misspelt follows, SL013) also makes every call in
  // the body an error: SL003 "write to key user:{}, which Typo.write does not own" at cache.set,
  // SL003 at cache.del, SL011 at atomicUpdate, all consequences of the one typo (the same after an
  // SL012 pattern). AccessScanner.contextOf checks the body with the rights that are left.
  // Expected: the SL013 alone (skip, or downgrade to warnings, the body of a declaration with
  // SL012/SL013 findings).
  @Test
  void brokenDeclaration_isReportedOnce_notAtEveryCall() {
    JavaFileObject code =
        service(
            "Typo",
            "  @CacheAccess(follows = \"userdata\")",
            "  void write(int id) {",
            "    cache.set(\"user:\" + id, 1);",
            "    cache.del(\"user:\" + id);",
            "    cache.atomicUpdate(\"user:\" + id, v -> v);",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorContaining("SL013").inFile(code).onLineContaining("follows");
    assertThat(c).hadErrorCount(1);
  }

  // ---- misses ----

  // Was (miss): the second write of a chained tx.set(..).set(..) is judged as routed
  // (AccessScanner.viewOf returns View.ROUTED for a CacheTransaction.set receiver), so the SL004
  // of "user:2" through the SERVER view is missed; only "user:1" is reported. Expected: SL004 on
  // both (viewOf: a SET/KEYED call on CacheTransaction returns its receiver's view).
  @Test
  void chainedTransactionWrites_throughALayerView_areEachSL004() {
    JavaFileObject code =
        service(
            "Backend",
            "  @CacheAccess(follows = \"userData\")",
            "  void write(Object d) {",
            "    cache.layer(CacheLayer.SERVER).atomicBatch(tx -> tx.set(\"user:1\", d)",
            "        .set(\"user:2\", d));",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorContaining("SL004").inFile(code).onLineContaining("\"user:1\"");
    assertThat(c).hadErrorContaining("SL004").inFile(code).onLineContaining("\"user:2\"");
  }

  // ---- helpers ----

  /**
   * Compiles library sources with plain javac (no checker) against this module's class path, with a
   * stand-in for stateless's enums that has one constant more each ({@code CacheLayer.MOON}, {@code
   * Strategy.QUANTUM}): a jar built against a newer stateless-annotations. The stand-ins are left
   * out of the result.
   */
  private List<File> libraryWithNewerAnnotations(String className, String... lines)
      throws IOException {
    return compiledLibrary(true, className, lines);
  }

  /** The stand-in enums alone, first on the class path: annotations newer than the checker's. */
  private List<File> newerAnnotationsFirstOnTheClassPath() throws IOException {
    return compiledLibrary(true, null);
  }

  private List<File> compiledLibrary(boolean newerEnums, String className, String... lines)
      throws IOException {
    Path src = dir.resolve("src");
    List<String> files = new ArrayList<>();
    if (className != null) {
      files.add(write(src, className, String.join("\n", lines)));
    }
    if (newerEnums) {
      files.add(
          write(
              src,
              "dev.stateless.annotation.CacheLayer",
              "package dev.stateless.annotation; public enum CacheLayer { CLIENT, EDGE, SERVER,"
                  + " MOON }"));
      files.add(
          write(
              src,
              "dev.stateless.annotation.Strategy",
              "package dev.stateless.annotation; public enum Strategy { DEFAULT, CLIENT_FIRST,"
                  + " EDGE_OPTIMIZED, GLOBAL_CONSISTENT, REDIS_COMPATIBLE, QUANTUM }"));
    }
    Path out = dir.resolve("classes");
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("-proc:none", "-d", out.toString()));
    args.add("-cp");
    args.add(System.getProperty("java.class.path"));
    args.addAll(files);
    int rc =
        ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0]));
    assertThat(rc).isZero();
    Path standIns = out.resolve("dev");
    if (className != null && Files.exists(standIns)) {
      try (Stream<Path> walk = Files.walk(standIns)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    List<File> cp = new ArrayList<>();
    cp.add(out.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      cp.add(new File(entry));
    }
    return cp;
  }

  private static String write(Path src, String className, String text) throws IOException {
    Path file = src.resolve(className.replace('.', '/') + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file.toString();
  }
}
