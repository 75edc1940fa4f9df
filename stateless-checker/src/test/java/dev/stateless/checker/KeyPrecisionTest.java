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
 * Errors only when certain: a key is an error when every key it can produce breaks a rule, a
 * warning in strict mode when only some may, and nothing when none can. The holes' Java types
 * decide: an {@code int}, {@code long}, {@code UUID} or enum fills one segment, a {@code String}
 * may hold {@code :}.
 */
class KeyPrecisionTest {

  /** Code that owns {@code user:{id}} but only borrows {@code user:{id}:posts}. */
  private static JavaFileObject userWriter(String parameter, String key) {
    return service(
        "UserWriter",
        "  @CacheAccess(owns = \"user:{id}\", borrows = \"user:{id}:posts\")",
        "  void write(" + parameter + ", Object v) {",
        "    cache.set(" + key + ", v);",
        "  }");
  }

  @Test
  void stringHole_thatMayReachABorrowedPattern_isNoDiagnosticByDefault() {
    assertNoDiagnostics(compile(manifest(), userWriter("String name", "\"user:\" + name")));
  }

  @Test
  void stringHole_thatMayReachABorrowedPattern_isAWarningInStrictMode() {
    JavaFileObject code = userWriter("String name", "\"user:\" + name");
    Compilation c = compileStrict(manifest(), code);
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining(
            "warning[SL002]: possible write to borrowed pattern \"user:{id}:posts\" (key"
                + " user:{..})")
        .inFile(code)
        .onLineContaining("cache.set(");
    assertThat(c)
        .hadWarningContaining(
            "some keys this expression can produce keep the rule, others break it");
  }

  @Test
  void intHole_fillsOneSegment_noDiagnosticEvenInStrictMode() {
    assertNoDiagnostics(compile(manifest(), userWriter("int id", "\"user:\" + id")));
    assertNoDiagnostics(compileStrict(manifest(), userWriter("int id", "\"user:\" + id")));
  }

  @Test
  void longUuidAndEnumHoles_fillOneSegment_noDiagnosticEvenInStrictMode() {
    for (String parameter :
        new String[] {"long id", "java.util.UUID id", "CacheLayer id", "Integer id"}) {
      assertNoDiagnostics(compileStrict(manifest(), userWriter(parameter, "\"user:\" + id")));
    }
  }

  @Test
  void enumWithItsOwnToString_mayHoldColons_isAWarningInStrictMode() {
    JavaFileObject code =
        service(
            "UserWriter",
            "  enum Kind { A; @Override public String toString() { return \"a:posts\"; } }",
            "  @CacheAccess(owns = \"user:{id}\", borrows = \"user:{id}:posts\")",
            "  void write(Kind kind, Object v) {",
            "    cache.set(\"user:\" + kind, v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
    assertThat(compileStrict(manifest(), code))
        .hadWarningContaining("warning[SL002]")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void intHole_inBorrowedPattern_isAnError() {
    JavaFileObject code = userWriter("int id", "\"user:\" + id + \":posts\"");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL002]: write to borrowed pattern \"user:{id}:posts\" (key user:{}:posts)")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void exactKey_inBorrowedPattern_isAnError() {
    JavaFileObject code = userWriter("int id", "\"user:1:posts\"");
    assertThat(compile(manifest(), code))
        .hadErrorContaining("error[SL002]")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void productHole_withOnlyBorrows_isAnError() {
    JavaFileObject code =
        service(
            "ProductWriter",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void write(int id, Object v) {",
            "    cache.set(\"product:\" + id, v);",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL002]: write to borrowed pattern \"product:*\"")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void productStringHole_withOnlyBorrows_isStillAnError() {
    // Every key "product:" + name can produce is borrowed or owned by nobody: certain.
    JavaFileObject code =
        service(
            "ProductWriter",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void write(String name, Object v) {",
            "    cache.set(\"product:\" + name, v);",
            "  }");
    assertThat(compile(manifest(), code))
        .hadErrorContaining("error[SL002]")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void formatWithStringArgument_isAWarningOnlyInStrictMode_formatWithIntIsSilent() {
    JavaFileObject maybe = userWriter("String name", "String.format(\"user:%s\", name)");
    assertNoDiagnostics(compile(manifest(), maybe));
    assertThat(compileStrict(manifest(), maybe))
        .hadWarningContaining("warning[SL002]")
        .inFile(maybe)
        .onLineContaining("cache.set(");
    assertNoDiagnostics(
        compileStrict(manifest(), userWriter("int id", "String.format(\"user:%d\", id)")));
  }

  @Test
  void separateOwnersPerShape_stringHoleWarns_intHoleIsSilent_postsOfAnotherOwnerIsSL003() {
    JavaFileObject m =
        CheckedSources.manifest(
            "@CacheManifest",
            "  @Owns(\"user:{id}\") Object users;",
            "  @Owns(\"user:{id}:posts\") Object posts;");
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(follows = \"users\")",
            "  void write(String name, int id, Object v) {",
            "    cache.set(\"user:\" + name, v);",
            "    cache.set(\"user:\" + id, v);",
            "    cache.set(\"user:\" + id + \":posts\", v);",
            "  }");
    Compilation c = compileStrict(m, code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining(
            "error[SL003]: write to key user:{}:posts, which Users.write does not own")
        .inFile(code)
        .onLineContaining("\":posts\", v)");
    assertThat(c).hadWarningCount(1);
    assertThat(c)
        .hadWarningContaining("warning[SL003]")
        .inFile(code)
        .onLineContaining("\"user:\" + name");
  }

  @Test
  void write_ofKeyOwnedByAnotherComponent_isSL003() {
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(int id, Object v) {",
            "    cache.set(\"product:\" + id, v);",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL003]: write to key product:{}, which Users.write does not own")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void write_ofKeyNobodyOwns_isSL003() {
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(int id, Object v) {",
            "    cache.set(\"nobody:\" + id, v);",
            "  }");
    assertThat(compile(manifest(), code))
        .hadErrorContaining("error[SL003]: write to key nobody:{}, which no component owns")
        .inFile(code)
        .onLineContaining("cache.set(");
  }

  @Test
  void unknownKey_isSilentByDefault_andAWarningInStrictMode() {
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(String key, Object v) {",
            "    cache.set(key, v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
    Compilation c = compileStrict(manifest(), code);
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(1);
    assertThat(c).hadWarningContaining("possible").inFile(code).onLineContaining("cache.set(");
  }

  @Test
  void reassignedLocal_isAHole_notItsFirstValue() {
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(int id, Object v) {",
            "    String key = \"product:\" + id;",
            "    key = \"user:\" + id;",
            "    cache.set(key, v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  @Test
  void stringBuilderFromCharSequence_keepsItsPrefix() {
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(int id, Object v) {",
            "    CharSequence prefix = \"user:\";",
            "    cache.set(new StringBuilder(prefix).append(id).toString(), v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  @Test
  void keyBuilder_reassigningItsParameter_isNotJudgedByTheArgument() {
    JavaFileObject code =
        service(
            "Users",
            "  private static String key(String prefix, int id) {",
            "    prefix = \"user:\";",
            "    return prefix + id;",
            "  }",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(int id, Object v) {",
            "    cache.set(key(\"product:\", id), v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  @Test
  void redisCompatibleCode_withOwnedPatterns_mayWriteKeysNobodyOwns() {
    JavaFileObject code =
        service(
            "Legacy",
            "  @CacheAccess(owns = \"user:*\", strategy = Strategy.REDIS_COMPATIBLE)",
            "  void write(int id, Object v) {",
            "    cache.set(\"user:\" + id, v);",
            "    cache.set(\"legacy:\" + id, v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  @Test
  void redisCompatibleView_mayWriteKeysNobodyOwns() {
    JavaFileObject code =
        service(
            "Legacy",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(int id, Object v) {",
            "    cache.withStrategy(Strategy.REDIS_COMPATIBLE).set(\"legacy:\" + id, v);",
            "    new RedisAdapter(cache).withStrategy(Strategy.REDIS_COMPATIBLE).set(\"legacy:1\", v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  @Test
  void redisAdapter_switchedToRedisCompatibleByAStatement_mayWriteKeysNobodyOwns() {
    JavaFileObject code =
        service(
            "Legacy",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(Object v) {",
            "    RedisAdapter redis = new RedisAdapter(cache);",
            "    redis.withStrategy(Strategy.REDIS_COMPATIBLE);",
            "    redis.set(\"legacy:1\", v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  @Test
  void anotherStrategyView_elsewhereInTheClass_keepsKeysNobodyOwnsAnError() {
    JavaFileObject code =
        service(
            "Users",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(Object v) {",
            "    cache.withStrategy(Strategy.EDGE_OPTIMIZED).set(\"user:1\", v);",
            "    new RedisAdapter(cache).withStrategy(Strategy.EDGE_OPTIMIZED).set(\"user:2\", v);",
            "    RedisAdapter redis = new RedisAdapter(cache);",
            "    redis.withStrategy(Strategy.EDGE_OPTIMIZED);",
            "    redis.set(\"nobody:2\", v);",
            "    cache.set(\"nobody:1\", v);",
            "  }");
    Compilation c = compile(manifest(), code);
    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("error[SL003]: write to key \"nobody:1\", which no component owns")
        .inFile(code)
        .onLineContaining("cache.set(\"nobody:1\"");
    assertThat(c)
        .hadErrorContaining("error[SL003]: write to key \"nobody:2\", which no component owns")
        .inFile(code)
        .onLineContaining("redis.set(\"nobody:2\"");
  }

  @Test
  void redisAdapterField_madeRedisCompatibleInTheConstructor_mayWriteKeysNobodyOwns() {
    JavaFileObject code =
        service(
            "Legacy",
            "  private final RedisAdapter redis;",
            "  Legacy(StatelessCache c) {",
            "    this.redis = new RedisAdapter(c).withStrategy(Strategy.REDIS_COMPATIBLE);",
            "  }",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(Object v) {",
            "    redis.set(\"legacy:1\", v);",
            "  }");
    assertNoDiagnostics(compile(manifest(), code));
  }

  @Test
  void redisAdapter_withoutRedisCompatible_writingKeysNobodyOwns_isSL003() {
    JavaFileObject code =
        service(
            "Legacy",
            "  private final RedisAdapter redis;",
            "  Legacy(StatelessCache c) {",
            "    this.redis = new RedisAdapter(c);",
            "  }",
            "  @CacheAccess(owns = \"user:*\")",
            "  void write(Object v) {",
            "    redis.set(\"legacy:1\", v);",
            "  }");
    assertThat(compile(manifest(), code))
        .hadErrorContaining("error[SL003]: write to key \"legacy:1\", which no component owns")
        .inFile(code)
        .onLineContaining("redis.set(");
  }

  @Test
  void layerViewField_assignedInTheConstructor_isFollowed() {
    JavaFileObject code =
        service(
            "Backend",
            "  private final StatelessCache server;",
            "  Backend(StatelessCache c) {",
            "    this.server = c.layer(CacheLayer.SERVER);",
            "  }",
            "  @CacheAccess(follows = \"userData\")",
            "  void write(Object v) {",
            "    server.set(\"user:123\", v);",
            "  }");
    assertThat(compile(manifest(), code))
        .hadErrorContaining("error[SL004]")
        .inFile(code)
        .onLineContaining("server.set(");
  }

  @Test
  void redisCompatibleView_keepsTheRulesOfOwnedKeys() {
    JavaFileObject code =
        service(
            "Legacy",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void write(int id, Object v) {",
            "    cache.withStrategy(Strategy.REDIS_COMPATIBLE).set(\"product:\" + id, v);",
            "  }");
    assertThat(compile(manifest(), code))
        .hadErrorContaining("error[SL002]")
        .inFile(code)
        .onLineContaining("cache.withStrategy(");
  }
}
