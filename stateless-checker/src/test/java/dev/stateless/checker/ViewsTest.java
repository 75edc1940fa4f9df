package dev.stateless.checker;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Calls through views: layer, component, strategy, adapter; followed through fields and locals. */
class ViewsTest {
  private static final JavaFileObject MANIFEST =
      JavaFileObjects.forSourceLines(
          "app.AppCache",
          "package app;",
          "import dev.stateless.annotation.*;",
          "@CacheManifest(layers = {CacheLayer.CLIENT, CacheLayer.SERVER})",
          "public class AppCache {",
          "  @Layer(CacheLayer.CLIENT) @Owns(\"user:*\") Object userData;",
          "  @Owns(\"product:*\") Object products;",
          "}");

  private JavaFileObject src;

  private Compilation compile(String... members) {
    String[] lines = new String[members.length + 8];
    lines[0] = "package app;";
    lines[1] = "import dev.stateless.*;";
    lines[2] = "import dev.stateless.annotation.*;";
    lines[3] = "import dev.stateless.redis.RedisAdapter;";
    lines[4] = "class Service {";
    lines[5] = "  StatelessCache cache;";
    lines[6] = "  Service(StatelessCache cache) { this.cache = cache; }";
    System.arraycopy(members, 0, lines, 7, members.length);
    lines[lines.length - 1] = "}";
    src = JavaFileObjects.forSourceLines("app.Service", lines);
    return javac().withProcessors(new StatelessProcessor()).compile(MANIFEST, src);
  }

  @Test
  void layerViewInAFinalField_isFollowed() {
    Compilation c =
        compile(
            "  private final StatelessCache backend = cache.layer(CacheLayer.SERVER);",
            "  @CacheAccess(follows = \"userData\")",
            "  void save(int id) { backend.set(\"user:\" + id, \"x\"); }");
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("error[SL004]").inFile(src).onLineContaining("backend.set");
  }

  @Test
  void layerViewInALocal_andTheOwnersLayer() {
    Compilation c =
        compile(
            "  @CacheAccess(follows = \"userData\")",
            "  void save(int id) {",
            "    StatelessCache client = cache.layer(CacheLayer.CLIENT);",
            "    client.set(\"user:\" + id, \"x\");",
            "    SyncCache server = cache.sync().layer(CacheLayer.SERVER);",
            "    server.set(\"user:\" + id, \"x\"); // wrong",
            "  }");
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("SL004").inFile(src).onLineContaining("// wrong");
  }

  @Test
  void layerTheManifestLacks_isSL007() {
    Compilation c =
        compile(
            "  @CacheAccess(owns = \"product:*\")",
            "  void f() { cache.layer(CacheLayer.EDGE).get(\"product:1\"); }");
    assertThat(c).hadErrorContaining("error[SL007]").inFile(src).onLineContaining("EDGE");
  }

  @Test
  void componentView_isJudgedByTheComponentsRightsToo() {
    Compilation c =
        compile(
            "  @CacheAccess(owns = {\"user:*\", \"product:*\"})",
            "  void f(int id) {",
            "    cache.component(\"products\").set(\"product:\" + id, \"x\");",
            "    cache.component(\"products\").set(\"user:\" + id, \"x\"); // not the component's",
            "    cache.component(\"nobody\").get(\"user:1\");",
            "  }");
    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("error[SL003]")
        .inFile(src)
        .onLineContaining("// not the component's");
    assertThat(c)
        .hadErrorContaining("error[SL013]: no component named \"nobody\"")
        .inFile(src)
        .onLineContaining("nobody");
  }

  @Test
  void redisCompatible_allowsKeysNoComponentOwns() {
    Compilation c =
        compile(
            "  @CacheAccess(owns = \"user:*\")",
            "  void f(RedisAdapter redis) {",
            "    new RedisAdapter(cache).withStrategy(Strategy.REDIS_COMPATIBLE).set(\"temp:1\", \"x\");",
            "    cache.withStrategy(Strategy.REDIS_COMPATIBLE).set(\"temp:2\", \"x\");",
            "    new RedisAdapter(cache).set(\"temp:3\", \"x\"); // unowned",
            "  }",
            "  @CacheAccess(owns = \"user:*\", strategy = Strategy.REDIS_COMPATIBLE)",
            "  void g() { cache.set(\"temp:4\", \"x\"); }");
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("error[SL003]: write to key \"temp:3\", which no component owns")
        .inFile(src)
        .onLineContaining("// unowned");
  }

  @Test
  void adapterWritesToBorrowedKeys_areSL002() {
    Compilation c =
        compile(
            "  private final RedisAdapter redis = new RedisAdapter(cache);",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void f(long id) {",
            "    redis.get(\"product:\" + id);",
            "    redis.mget(\"product:1\", \"product:2\");",
            "    redis.del(\"product:1\", \"product:\" + id); // two",
            "    redis.incr(\"product:7\"); // incr",
            "  }");
    assertThat(c).hadErrorCount(3);
    assertThat(c).hadErrorContaining("SL002").inFile(src).onLineContaining("// two");
    assertThat(c).hadErrorContaining("SL002").inFile(src).onLineContaining("// incr");
  }
}
