package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.stateless.checker.CheckedSources.assertNoDiagnostics;
import static dev.stateless.checker.CheckedSources.compile;
import static dev.stateless.checker.CheckedSources.compileStrict;
import static dev.stateless.checker.CheckedSources.manifest;
import static dev.stateless.checker.CheckedSources.service;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, points 1 to 3: an empty {@code String} hole does not decide the judgement, patterns
 * built from parts are judged as keys are, and a certain break names what is known of the key.
 */
class EmptyHolesAndBuiltPatternsTest {

  // ---- 1. a String hole may be empty ----

  /** "video:" (an empty id) is a key nobody owns: it no longer makes the break only possible. */
  @Test
  void plainRead_ofStreamingKeyWithStringHole_isSL009ByDefault() {
    JavaFileObject code =
        service(
            "Videos",
            "  @CacheAccess(follows = \"videoCache\")",
            "  Object play(String id) {",
            "    return cache.sync().get(\"video:\" + id);",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL009]: plain read of key video:{..}")
        .inFile(code)
        .onLineContaining("cache.sync().get(\"video:\" + id)");
  }

  /** The owner of listing:* writing "listing:" + category: no possible SL003 for "listing:". */
  @Test
  void ownedWildcard_writtenWithStringHole_isSilentInStrictMode() {
    JavaFileObject m =
        manifest(
            "@CacheManifest",
            "  @Owns(\"listing:*\") Object listings;",
            "  @Owns(\"user:*\") Object users;");
    JavaFileObject code =
        service(
            "Listings",
            "  @CacheAccess(owns = \"listing:*\")",
            "  void save(String category) {",
            "    cache.set(\"listing:\" + category, \"x\");",
            "    cache.del(\"listing:\" + category);",
            "  }");
    assertNoDiagnostics(compileStrict(m, code));
  }

  /** An empty hole that reaches an owned key still counts: "user:" + name may be user:{id}. */
  @Test
  void emptyHoleReachingAnOwnedKey_stillCounts() {
    JavaFileObject m =
        manifest(
            "@CacheManifest",
            "  @Owns(\"user:{id}\") Object users;",
            "  @Owns(\"user:{id}:posts\") Object posts;");
    JavaFileObject code =
        service(
            "Posts",
            "  @CacheAccess(owns = \"user:{id}:posts\")",
            "  void save(String suffix) {",
            "    cache.set(\"user:1\" + suffix, \"x\");",
            "  }");
    Compilation c = compileStrict(m, code);
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining("warning[SL003]: possible write to key user:1{..}")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  // ---- 2. patterns built from parts ----

  @Test
  void builtPattern_inBorrowedData_isSL002() {
    JavaFileObject code =
        service(
            "Catalog",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void refresh(long id) {",
            "    cache.invalidatePattern(\"product:\" + id + \":*\");",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL002]: write to borrowed pattern \"product:*\" (key product:{}:{+})")
        .inFile(code)
        .onLineContaining("cache.invalidatePattern(");
  }

  @Test
  void builtPatterns_fromFormatConstantsAndKeyBuilders_areJudged() {
    JavaFileObject code =
        service(
            "Catalog",
            "  static final String PRODUCTS = \"product:\";",
            "  private static String productPattern(long id) { return PRODUCTS + id + \":*\"; }",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void refresh(long id, java.util.UUID uuid) {",
            "    cache.invalidatePattern(String.format(\"product:%d:*\", id)); // format",
            "    cache.invalidatePattern(PRODUCTS + uuid + \":*\"); // constant",
            "    cache.invalidatePattern(productPattern(id)); // builder",
            "    cache.invalidatePattern(\"product:{id}:\" + id); // hole",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(4);
    for (String line : new String[] {"// format", "// constant", "// builder", "// hole"}) {
      assertThat(c).hadErrorContaining("error[SL002]").inFile(code).onLineContaining(line);
    }
  }

  @Test
  void builtPattern_ofOwnedData_compiles_evenInStrictMode() {
    JavaFileObject code =
        service(
            "Catalog",
            "  @CacheAccess(follows = \"catalog\")",
            "  void refresh(long id, String any) {",
            "    cache.invalidatePattern(\"product:\" + id + \":*\");",
            "    cache.invalidatePattern(\"product:\" + any + \":*\");",
            "    cache.invalidatePattern(\"product:\" + id + \"*\"); // not a pattern this reads",
            "  }");
    assertNoDiagnostics(compileStrict(manifest(), code));
  }

  /** Some keys the built pattern may match are borrowed: a warning in strict mode only. */
  @Test
  void builtPattern_thatMayReachBorrowedData_isAWarningInStrictMode() {
    JavaFileObject code =
        service(
            "Authors",
            "  @CacheAccess(follows = \"authors\", borrows = \"author:{id}:posts\")",
            "  void refresh(String any) {",
            "    cache.invalidatePattern(\"author:\" + any);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
    Compilation c = compileStrict(manifest(), code);
    assertThat(c).succeeded();
    assertThat(c)
        .hadWarningContaining("warning[SL002]")
        .inFile(code)
        .onLineContaining("cache.invalidatePattern(");
  }

  // ---- 3. a certain break names what is known ----

  @Test
  void unknownKey_writtenByCodeThatOwnsNothing_namesNoArbitraryPattern() {
    JavaFileObject code =
        service(
            "Reader",
            "  @CacheAccess(borrows = \"user:*\")",
            "  void touch(String key) {",
            "    cache.set(key, \"x\");",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL003]: write to key {..}, none of whose keys Reader.touch may write")
        .inFile(code)
        .onLineContaining("cache.set(key");
    assertThat(c)
        .hadErrorContaining("= note: it may be a key of \"user:*\", which Reader.touch borrows");
    assertThat(c)
        .hadErrorContaining("= note: it may be a key of \"product:*\", owned by \"catalog\"");
    assertThat(c).hadErrorContaining("= note: it may be a key no component owns");
  }

  /** A key every value of which is in one borrowed pattern still names that pattern. */
  @Test
  void keyInOneBorrowedPattern_stillNamesIt() {
    JavaFileObject code =
        service(
            "Reader",
            "  @CacheAccess(borrows = \"user:*\")",
            "  void touch(String name) {",
            "    cache.set(\"user:\" + name, \"x\");",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL002]: write to borrowed pattern \"user:*\" (key user:{..})")
        .inFile(code)
        .onLineContaining("cache.set(");
  }
}
