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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** SL014: a value written to a key whose one owner declares a {@code @ValueType}. */
class ValueTypesTest {
  static final JavaFileObject PRODUCT =
      JavaFileObjects.forSourceLines(
          "app.Product", "package app;", "", "public record Product(String name) {}");

  static final JavaFileObject OUTER =
      JavaFileObjects.forSourceLines(
          "app.Outer",
          "package app;",
          "",
          "public class Outer {",
          "  public record Item(long id) {}",
          "}");

  static final JavaFileObject MANIFEST =
      manifest(
          "@CacheManifest",
          "  @Owns(\"stock:{id}\") @ValueType Long stock;",
          "  @Owns(\"product:{id}\") @ValueType(Product.class) Object products;",
          "  @Owns(\"tags:{id}\") @ValueType java.util.List<String> tags;",
          "  @Owns(\"count:{id}\") @ValueType long counts;",
          "  @Owns(\"item:{id}\") @ValueType(Outer.Item.class) Object items;",
          "  @Owns(\"note:*\") Object notes;");

  /** Compiles the manifest, its value classes and the services. */
  static Compilation compileWith(JavaFileObject... services) {
    JavaFileObject[] all = new JavaFileObject[services.length + 3];
    all[0] = MANIFEST;
    all[1] = PRODUCT;
    all[2] = OUTER;
    System.arraycopy(services, 0, all, 3, services.length);
    return compile(all);
  }

  @Test
  void manifest_withValueTypes_keepsEveryManifestRule() {
    assertNoDiagnostics(compile(MANIFEST, PRODUCT, OUTER));
  }

  @Test
  void set_valuesOfTheDeclaredTypes_compile() {
    assertNoDiagnostics(
        compileWith(
            service(
                "Writer",
                "  @CacheAccess(owns = {\"stock:{id}\", \"product:{id}\", \"tags:{id}\","
                    + " \"count:{id}\", \"item:{id}\", \"note:*\"})",
                "  void write(long id, Long boxed, java.util.ArrayList<String> list) {",
                "    cache.set(\"stock:1\", 5L);",
                "    cache.set(\"stock:\" + id, boxed);",
                "    cache.set(\"product:1\", new Product(\"tea\"));",
                "    cache.set(\"tags:1\", java.util.List.of(\"a\", \"b\"));",
                "    cache.set(\"tags:\" + id, list);",
                "    cache.set(\"count:1\", 5L);",
                "    cache.set(\"count:2\", boxed);",
                "    cache.set(\"item:1\", new Outer.Item(id));",
                "    cache.set(\"note:1\", \"any value goes to an untyped component\");",
                "    cache.set(\"stock:1\", null);",
                "  }")));
  }

  @Test
  void set_stringToLongComponent_isSL014WithBothTypes() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"stock:{id}\")",
            "  void write() {",
            "    cache.set(\"stock:1\", \"five\");",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL014]: value of type java.lang.String for \"stock:1\", whose owner \"stock\""
                + " holds values of type java.lang.Long")
        .inFile(s)
        .onLineContaining("cache.set(\"stock:1\", \"five\")");
    assertThat(c).hadErrorContaining("= help: write a java.lang.Long");
    assertThat(c).hadNoteContaining("component \"stock\" is declared here").inFile(MANIFEST);
  }

  @Test
  void set_productToProductComponent_compiles_stringIsSL014() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"product:{id}\")",
            "  void write(long id, String name) {",
            "    cache.set(\"product:\" + id, new Product(name));",
            "    cache.set(\"product:\" + id, name); // wrong",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL014]: value of type java.lang.String for \"product:{}\", whose owner"
                + " \"products\" holds values of type app.Product")
        .inFile(s)
        .onLineContaining("// wrong");
  }

  @Test
  void set_stringToListComponent_isSL014() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"tags:{id}\")",
            "  void write() {",
            "    cache.set(\"tags:1\", \"a,b\");",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("holds values of type java.util.List<java.lang.String>")
        .inFile(s)
        .onLineContaining("cache.set(\"tags:1\"");
  }

  @Test
  void set_nestedClassComponent_spelledWithDollar() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"item:{id}\")",
            "  void write() {",
            "    cache.set(\"item:1\", new Product(\"tea\"));",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "value of type app.Product for \"item:1\", whose owner \"items\" holds values of type"
                + " app.Outer$Item")
        .inFile(s)
        .onLineContaining("cache.set(\"item:1\"");
  }

  /** The runtime boxes a primitive value type and compares classes: an Integer is no Long. */
  @Test
  void set_intToLongComponents_isSL014() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = {\"stock:{id}\", \"count:{id}\"})",
            "  void write() {",
            "    cache.set(\"stock:1\", 5); // boxed",
            "    cache.set(\"count:1\", 5); // primitive",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("value of type int for \"stock:1\"")
        .inFile(s)
        .onLineContaining("// boxed");
    assertThat(c)
        .hadErrorContaining("holds values of type long")
        .inFile(s)
        .onLineContaining("// primitive");
  }

  @Test
  void set_objectOrTypeVariableValue_isNotProvable_compiles() {
    assertNoDiagnostics(
        compileWith(
            service(
                "Writer",
                "  @CacheAccess(owns = {\"stock:{id}\", \"product:{id}\"})",
                "  <T> void write(Object value, T generic, Number number, java.io.Serializable s) {",
                "    cache.set(\"stock:1\", value);",
                "    cache.set(\"stock:4\", s);",
                "    cache.set(\"stock:2\", generic);",
                "    cache.set(\"stock:3\", number);",
                "    cache.set(\"product:1\", value);",
                "  }")));
  }

  @Test
  void strict_objectValue_isAWarning() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"stock:{id}\")",
            "  void write(Object value, Number number) {",
            "    cache.set(\"stock:1\", value); // object",
            "    cache.set(\"stock:2\", number); // number",
            "  }");
    Compilation c = compileStrict(MANIFEST, PRODUCT, OUTER, s);
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(2);
    assertThat(c)
        .hadWarningContaining("warning[SL014]: value of type java.lang.Object for \"stock:1\"")
        .inFile(s)
        .onLineContaining("// object");
    assertThat(c)
        .hadWarningContaining("warning[SL014]: value of type java.lang.Number")
        .inFile(s)
        .onLineContaining("// number");
  }

  /** A type variable bounded by a type no Long can have is provably wrong. */
  @Test
  void set_typeVariableBoundedByCharSequence_isSL014() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"stock:{id}\")",
            "  <T extends CharSequence> void write(T text) {",
            "    cache.set(\"stock:1\", text);",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL014]: value of type T for \"stock:1\"")
        .inFile(s)
        .onLineContaining("cache.set(");
  }

  /** Product is a record, so final: no CharSequence is one. */
  @Test
  void set_interfaceTheFinalValueClassDoesNotImplement_isSL014() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"product:{id}\")",
            "  void write(CharSequence text, Comparable<String> comparable) {",
            "    cache.set(\"product:1\", text); // text",
            "    cache.set(\"product:2\", comparable); // comparable",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("error[SL014]: value of type java.lang.CharSequence")
        .inFile(s)
        .onLineContaining("// text");
    assertThat(c)
        .hadErrorContaining("error[SL014]: value of type java.lang.Comparable<java.lang.String>")
        .inFile(s)
        .onLineContaining("// comparable");
  }

  @Test
  void set_keyWithoutOneCertainOwner_isNotJudged() {
    assertNoDiagnostics(
        compileWith(
            service(
                "Writer",
                "  @CacheAccess(owns = {\"stock:{id}\", \"note:*\"})",
                "  void write(String anyText, boolean flag) {",
                "    cache.set(\"stock:\" + anyText, \"may be an unowned stock:a:b\");",
                "    cache.set(flag ? \"stock:1\" : \"note:1\", \"two owners\");",
                "  }")));
  }

  @Test
  void everyWriteWithAValue_isJudged() {
    JavaFileObject s =
        service(
            "Writer",
            "  @CacheAccess(owns = \"stock:{id}\", lifetime = Lifetime.REQUEST)",
            "  void write(RedisAdapter redis) {",
            "    cache.sync().set(\"stock:1\", \"x\"); // sync",
            "    cache.setWithStrategy(\"stock:1\", \"x\", Strategy.DEFAULT); // strategy",
            "    cache.atomicBatch(tx -> tx.set(\"stock:1\", \"x\")); // batch",
            "    try (RequestScope scope = cache.requestScope()) {",
            "      scope.setScoped(\"stock:1\", \"x\"); // scoped",
            "    }",
            "    redis.set(\"stock:1\", \"x\"); // adapter",
            "    redis.mset(java.util.Map.of(\"stock:1\", \"x\")); // mset",
            "  }");
    Compilation c = compileWith(s);
    for (String call : new String[] {"sync", "strategy", "batch", "scoped", "adapter", "mset"}) {
      assertThat(c).hadErrorContaining("error[SL014]").inFile(s).onLineContaining("// " + call);
    }
    assertThat(c).hadErrorCount(6);
  }

  /** Issue 18, point 4: reading a typed key into a type its values cannot have. */
  @Test
  void read_asAnotherType_isSL014_asTheDeclaredTypeOrASupertype_compiles() {
    JavaFileObject s =
        service(
            "Reader",
            "  @CacheAccess(borrows = {\"stock:{id}\", \"product:{id}\"})",
            "  void read(long id) {",
            "    Long stock = cache.sync().get(\"stock:1\", Long.class);",
            "    Number n = cache.sync().get(\"stock:\" + id, Number.class);",
            "    Product p = cache.sync().get(\"product:\" + id, Product.class);",
            "    Object o = cache.sync().get(\"product:1\");",
            "    String wrong = cache.sync().get(\"stock:1\", String.class); // sync",
            "    cache.get(\"product:\" + id, String.class); // async",
            "    Product cast = (Product) cache.sync().get(\"stock:2\"); // cast",
            "  }");
    Compilation c = compileWith(s);
    assertThat(c).hadErrorCount(3);
    assertThat(c)
        .hadErrorContaining(
            "error[SL014]: read of \"stock:1\" as java.lang.String, whose owner \"stock\" holds"
                + " values of type java.lang.Long")
        .inFile(s)
        .onLineContaining("// sync");
    assertThat(c)
        .hadErrorContaining(
            "error[SL014]: read of \"product:{}\" as java.lang.String, whose owner \"products\""
                + " holds values of type app.Product")
        .inFile(s)
        .onLineContaining("// async");
    assertThat(c)
        .hadErrorContaining("error[SL014]: read of \"stock:2\" as app.Product")
        .inFile(s)
        .onLineContaining("// cast");
    assertThat(c).hadErrorContaining("= help: read it as a java.lang.Long");
  }

  @Test
  void strict_readAsASubtype_isAWarning_notAnError() {
    JavaFileObject s =
        service(
            "Reader",
            "  @CacheAccess(borrows = \"stock:{id}\")",
            "  void read() {",
            "    cache.sync().get(\"stock:1\", Object.class);",
            "  }");
    assertNoDiagnostics(compileWith(s));
    JavaFileObject m =
        manifest(
            "@CacheManifest",
            "  @Owns(\"num:{id}\") @ValueType java.time.temporal.TemporalAccessor times;");
    JavaFileObject narrowing =
        service(
            "Reader",
            "  @CacheAccess(borrows = \"num:{id}\")",
            "  void read() {",
            "    cache.sync().get(\"num:1\", java.time.Instant.class);",
            "  }");
    assertNoDiagnostics(compile(m, narrowing));
    Compilation c = compileStrict(m, narrowing);
    assertThat(c).succeeded();
    assertThat(c)
        .hadWarningContaining("warning[SL014]: read of \"num:1\" as java.time.Instant")
        .inFile(narrowing)
        .onLineContaining("cache.sync().get(");
  }

  @Nested
  class Manifest {
    @Test
    void valueType_onBorrowOnlyComponent_isSL014OnTheField() {
      JavaFileObject m =
          manifest(
              "@CacheManifest",
              "  @Owns(\"stock:{id}\") @ValueType Long stock;",
              "  @Borrows(\"stock:{id}\") @ValueType Long reader;");
      Compilation c = compile(m);
      assertThat(c).failed();
      assertThat(c).hadErrorCount(1);
      assertThat(c)
          .hadErrorContaining(
              "error[SL014]: component \"reader\" declares @ValueType java.lang.Long but owns"
                  + " nothing")
          .inFile(m)
          .onLineContaining("Long reader;");
    }
  }
}
