package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.stateless.checker.CheckedSources.assertNoDiagnostics;
import static dev.stateless.checker.CheckedSources.compile;
import static dev.stateless.checker.CheckedSources.compileStrict;
import static dev.stateless.checker.CheckedSources.manifest;
import static dev.stateless.checker.CheckedSources.service;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 5: Spring's {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} naming
 * a component are judged as the starter makes them at run time, by the method's
 * {@code @CacheAccess} rights. The checker has no Spring on its class path: it knows the
 * annotations by name, so these tests compile against copies of their declarations.
 */
class SpringCacheAnnotationsTest {
  private static JavaFileObject annotation(String name, String... members) {
    StringBuilder body = new StringBuilder();
    for (String m : members) {
      body.append("  ").append(m).append('\n');
    }
    return JavaFileObjects.forSourceString(
        "org.springframework.cache.annotation." + name,
        "package org.springframework.cache.annotation;\n"
            + "import java.lang.annotation.*;\n"
            + "@Retention(RetentionPolicy.RUNTIME) @Target(ElementType.METHOD)\n"
            + "public @interface "
            + name
            + " {\n"
            + "  String[] value() default {};\n"
            + "  String[] cacheNames() default {};\n"
            + "  String key() default \"\";\n"
            + "  String keyGenerator() default \"\";\n"
            + body
            + "}\n");
  }

  private static final JavaFileObject CACHEABLE =
      annotation("Cacheable", "boolean sync() default false;");
  private static final JavaFileObject CACHE_PUT = annotation("CachePut");
  private static final JavaFileObject CACHE_EVICT =
      annotation("CacheEvict", "boolean allEntries() default false;");

  private static final JavaFileObject MANIFEST =
      manifest(
          "@CacheManifest",
          "  @Owns(\"product:{id}\") Object products;",
          "  @Owns(\"user:{id}\") @Borrows(\"product:{id}\") Object users;");

  private static Compilation compileWith(JavaFileObject code) {
    return compile(MANIFEST, CACHEABLE, CACHE_PUT, CACHE_EVICT, code);
  }

  private static final String SPRING = "@org.springframework.cache.annotation.";

  @Test
  void cachePut_inAMethodThatBorrows_isSL002OnTheAnnotation() {
    JavaFileObject code =
        service(
            "Catalog",
            "  @CacheAccess(borrows = \"product:{id}\")",
            "  " + SPRING + "CachePut(cacheNames = \"products\", key = \"#id\")",
            "  String rename(long id, String name) { return name; }");
    Compilation c = compileWith(code);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL002]: write to borrowed pattern \"product:{id}\" (key product:{})")
        .inFile(code)
        .onLineContaining("CachePut(cacheNames = \"products\"");
    assertThat(c).hadErrorContaining("= note: Catalog.rename borrows \"product:{id}\"");
  }

  @Test
  void cacheableAndCacheEvict_inAMethodThatBorrows_areSL002() {
    JavaFileObject code =
        service(
            "Catalog",
            "  @CacheAccess(borrows = \"product:{id}\")",
            "  " + SPRING + "Cacheable(\"products\") // a miss writes",
            "  String find(long id) { return \"x\"; }",
            "",
            "  @CacheAccess(borrows = \"product:{id}\")",
            "  " + SPRING + "CacheEvict(value = \"products\") // a delete",
            "  void forget(long id) {}",
            "",
            "  @CacheAccess(borrows = \"product:{id}\")",
            "  " + SPRING + "CacheEvict(value = \"products\", allEntries = true) // every key",
            "  void forgetAll() {}");
    Compilation c = compileWith(code);
    assertThat(c).hadErrorCount(3);
    for (String line : new String[] {"// a miss writes", "// a delete", "// every key"}) {
      assertThat(c).hadErrorContaining("error[SL002]").inFile(code).onLineContaining(line);
    }
  }

  @Test
  void owningCode_andKeysMappedIntoItsPatterns_compileSilently_evenInStrictMode() {
    JavaFileObject code =
        service(
            "Catalog",
            "  @CacheAccess(follows = \"products\")",
            "  " + SPRING + "CachePut(\"products\")",
            "  String rename(long id) { return \"x\"; }",
            "",
            "  @CacheAccess(follows = \"products\")",
            "  " + SPRING + "CacheEvict(value = \"products\", allEntries = true)",
            "  void forgetAll() {}",
            "",
            "  @CacheAccess(follows = \"products\")",
            "  " + SPRING + "Cacheable(cacheNames = \"products\", key = \"#p0\")",
            "  String find(java.util.UUID id) { return \"x\"; }",
            "",
            // The key as written matches a pattern of "users" (a borrowed one): used as is.
            "  @CacheAccess(follows = \"products\")",
            "  " + SPRING + "CachePut(cacheNames = \"users\", key = \"'product:' + #id\")",
            "  String through(long id) { return \"x\"; }",
            "",
            // No @CacheAccess: the starter judges by the component's rights; not checked here.
            "  " + SPRING + "CachePut(\"products\")",
            "  String plain(long id) { return \"x\"; }");
    assertNoDiagnostics(compile(MANIFEST, CACHEABLE, CACHE_PUT, CACHE_EVICT, code));
    Compilation strict = compileStrict(MANIFEST, CACHEABLE, CACHE_PUT, CACHE_EVICT, code);
    assertThat(strict).succeededWithoutWarnings();
  }

  @Test
  void aStringKey_thatMayLandElsewhere_isAWarningOnlyInStrictMode() {
    JavaFileObject code =
        service(
            "Catalog",
            "  @CacheAccess(follows = \"users\")",
            "  " + SPRING + "CachePut(cacheNames = \"users\", key = \"#name\")",
            "  String rename(String name) { return name; }");
    assertNoDiagnostics(compileWith(code));
    Compilation c = compileStrict(MANIFEST, CACHEABLE, CACHE_PUT, CACHE_EVICT, code);
    assertThat(c).succeeded();
    assertThat(c)
        .hadWarningContaining("warning[SL002]")
        .inFile(code)
        .onLineContaining("CachePut(cacheNames = \"users\"");
  }

  @Test
  void aCacheNameNoComponentHas_isSL013() {
    JavaFileObject code =
        service(
            "Catalog",
            "  @CacheAccess(follows = \"products\")",
            "  " + SPRING + "Cacheable(\"prodcts\")",
            "  String find(long id) { return \"x\"; }");
    Compilation c = compileWith(code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL013]")
        .inFile(code)
        .onLineContaining("Cacheable(\"prodcts\")");
  }
}
