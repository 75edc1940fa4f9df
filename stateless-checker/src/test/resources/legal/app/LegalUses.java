package app;

import dev.stateless.RequestScope;
import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheAccess;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import dev.stateless.redis.RedisAdapter;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Legal uses of the cache API against the seeds' manifest (CheckedSources.manifest()): each line
 * marked "// use" must compile with no diagnostic at all in the default mode.
 */
class LegalUses {
  enum Region {
    EU,
    US
  }

  private static final String USER = "user:";

  private final StatelessCache cache;
  private final RedisAdapter redis;

  LegalUses(StatelessCache cache) {
    this.cache = cache;
    this.redis = new RedisAdapter(cache);
  }

  // ---- reads of borrowed data ----

  @CacheAccess(borrows = {"product:*", "user:*", "video:*", "products:*"})
  void readBorrowed(int id) {
    cache.get("product:" + id); // use: get of borrowed data
    cache.exists("product:" + id); // use: exists of borrowed data
    cache.sync().get("user:" + id, String.class); // use: typed sync get
    cache.stream("video:" + id); // use: stream of borrowed streaming data
    cache.layer(CacheLayer.EDGE).get("products:all"); // use: read through the owner's layer
    cache.ttlMillis("product:" + id); // use: TTL read
    cache.scan("product:*"); // use: scan
  }

  // ---- writes of owned data with dynamic ids ----

  @CacheAccess(owns = "user:*")
  void ownedWrites(int id, long big, UUID uuid, Region region, Object v) {
    cache.set("user:" + id, v); // use: int id
    cache.set("user:" + big, v); // use: long id
    cache.set("user:" + uuid, v); // use: UUID id
    cache.set("user:" + region, v); // use: enum id
    cache.set("user:" + id + ":" + region.name(), v); // use: two holes
    cache.del("user:" + id); // use: delete
    cache.set("user:" + id, v, SetOptions.ttl(Duration.ofMinutes(5))); // use: set with a TTL
    cache.expire("user:" + id, Duration.ofSeconds(30)); // use: expire
    cache.increment("user:" + id + ":visits", 1); // use: increment
    cache.invalidatePattern("user:123:*"); // use: invalidate an owned pattern
    cache.set("user:" + id, v).join(); // use: a write whose result is joined
  }

  @CacheAccess(owns = "user:{id}:posts")
  void posts(int id, Object v) {
    cache.set("user:" + id + ":posts", v); // use: "user:" + id + ":posts" against user:{id}:posts
    cache.set(Keys.USER_PREFIX + id + Keys.POSTS_SUFFIX, v); // use: the same from constants
  }

  @CacheAccess(follows = "posts")
  void authorPosts(int id, Object v) {
    cache.set("author:" + id + ":posts", v); // use: follows-based write
    cache.get("author:" + id); // use: follows-based borrowed read
  }

  // ---- how keys are built ----

  @CacheAccess(owns = "user:*")
  void formattedKeys(int id, UUID uuid, Object v) {
    cache.set(String.format("user:%d", id), v); // use: String.format
    cache.set("user:%d:posts".formatted(id), v); // use: formatted
    cache.set(String.format(Locale.ROOT, "user:%s:%d", uuid, id), v); // use: format with locale
  }

  @CacheAccess(owns = "user:*")
  void builtKeys(int id, Object v) {
    cache.set(Keys.USER_PREFIX + id, v); // use: static final constant of another class
    cache.set(Keys.FEATURED_USER, v); // use: constant key
    cache.set(USER + id, v); // use: this class's constant
    String key = "user:" + id + ":profile";
    cache.set(key, v); // use: effectively-final local
    final String prefix = "user:";
    cache.set(prefix + id, v); // use: final local prefix
    cache.set(userKey(id), v); // use: key-builder method
    cache.set(postsKey(id), v); // use: key builder calling a key builder
    cache.set(new StringBuilder("user:").append(id).append(":posts").toString(), v); // use: SB
    cache.set(new StringBuilder().append(USER).append(id).toString(), v); // use: empty SB
    cache.set(String.join(":", "user", String.valueOf(id)), v); // use: String.join
    cache.set("user:".concat(Integer.toString(id)), v); // use: concat
  }

  private static String userKey(int id) {
    return "user:" + id;
  }

  private static String postsKey(int id) {
    return userKey(id) + ":posts";
  }

  @CacheAccess(owns = "user:*")
  void loops(List<Integer> ids, Object v) {
    for (int id : ids) {
      cache.set("user:" + id, v); // use: loop variable
    }
    ids.forEach(id -> cache.set("user:" + id, v)); // use: lambda parameter
    for (int i = 0; i < 3; i++) {
      cache.set("user:" + i, v); // use: reassigned counter
    }
  }

  // ---- views ----

  @CacheAccess(owns = "products:*")
  void edgeWrites(Object catalog) {
    cache.layer(CacheLayer.EDGE).set("products:all", catalog); // use: owner's layer view
  }

  @CacheAccess(follows = "userData")
  void clientWrites(int id, Object v) {
    cache.layer(CacheLayer.CLIENT).set("user:" + id, v); // use: follower's layer view
    SyncCache client = cache.layer(CacheLayer.CLIENT).sync();
    client.set("user:" + id, v); // use: sync layer view in a local
  }

  @CacheAccess(owns = "product:*")
  void componentViews(int id, Object v) {
    cache.component("catalog").set("product:" + id, v); // use: component view of the owner
    cache.component("userData").get("user:" + id); // use: read through another component
  }

  // ---- exclusive access and batches ----

  @CacheAccess(exclusive = "user:*")
  void counters(int id) {
    cache.<Long>atomicUpdate("user:" + id + ":visits", n -> n == null ? 1L : n + 1); // use
  }

  @CacheAccess(owns = "product:*")
  void ownerUpdate(int id) {
    cache.sync().<String>atomicUpdate("product:" + id, p -> p == null ? "new" : p); // use
  }

  @CacheAccess(owns = "user:*")
  void batch(int id, Object a, Object b) {
    cache.atomicBatch(
        tx -> {
          tx.set("user:" + id, a); // use: batch write
          tx.set("user:" + id + ":prefs", b); // use: batch write
          tx.del("user:" + id + ":old"); // use: batch delete
        });
  }

  // ---- lifetimes ----

  @CacheAccess(lifetime = Lifetime.REQUEST)
  void request(int id, Object v) {
    try (RequestScope scope = cache.requestScope()) {
      scope.setScoped("req:" + id, v); // use: scoped entry in a REQUEST method
      scope.setScoped("req:" + id + ":tmp", v, SetOptions.ttl(Duration.ofSeconds(1))); // use
    }
  }

  @CacheAccess(owns = "session:*", lifetime = Lifetime.SESSION)
  void session(int id, Object v, Runnable cleanup) {
    cache.set("session:" + id, v).withCleanup(cleanup); // use: session entry with cleanup
  }

  @CacheAccess(owns = "session:*")
  void sessionView(int id, Object v) {
    try (StatelessCache session = cache.session()) {
      session.set("session:" + id, v).withCleanup(() -> {}); // use: session view with cleanup
    }
  }

  // ---- Redis-like code ----

  @CacheAccess(owns = "user:*")
  void redisCalls(int id) {
    redis.set("user:" + id, "Ada"); // use: SET
    redis.get("user:" + id); // use: GET
    redis.mget("user:1", "user:2"); // use: MGET
    redis.mset(Map.of("user:1", "a", "user:2", "b")); // use: MSET
    redis.incr("user:" + id + ":visits"); // use: INCR
    redis.hset("user:" + id + ":h", "name", "Ada"); // use: HSET
    redis.expire("user:" + id, 60); // use: EXPIRE
    redis.del("user:1", "user:2"); // use: DEL
    redis.ttl("anything"); // use: TTL
  }

  @CacheAccess(strategy = Strategy.REDIS_COMPATIBLE)
  void legacy(int id) {
    RedisAdapter compatible = new RedisAdapter(cache).withStrategy(Strategy.REDIS_COMPATIBLE);
    compatible.set("legacy:" + id, "x"); // use: REDIS_COMPATIBLE key nobody owns
    cache.withStrategy(Strategy.REDIS_COMPATIBLE).set("legacy:" + id, "x"); // use: same, cache
  }

  // ---- strategies, streaming, dependents ----

  @CacheAccess(follows = "drafts")
  void offline(int id, Object v) {
    cache.setWithStrategy("draft:" + id, v, Strategy.CLIENT_FIRST); // use: offline_first
  }

  @CacheAccess(follows = "accounts")
  void realTime(int id, Object v) {
    cache.set("account:" + id, v); // use: real_time owner
  }

  @CacheAccess(follows = "videoCache")
  void upload(int id, InputStream in) {
    cache.setStream("video:" + id, in); // use: chunked write by the owner
  }

  @CacheAccess(owns = "user:*", invalidates = {"profile:*", "settings:*"})
  void updateUser(int id, Object user) {
    cache.set(String.format("user:%d", id), user); // use: owner with dependents
  }

  // ---- what the default mode does not report ----

  @CacheAccess(owns = "user:*")
  void unknownKey(String anyKey, Object v) {
    cache.set(anyKey, v); // use: a key the checker cannot know
  }

  @CacheAccess(owns = "user:{id}", borrows = "user:{id}:posts")
  void maybePosts(String name, Object v) {
    cache.set("user:" + name, v); // use: a String hole that may reach a borrowed pattern
  }
}

/** Code without @CacheAccess is not checked (progressive enhancement). */
class Unannotated {
  StatelessCache cache;

  void anything(Object v) {
    cache.set("nobody:1", v); // use: unannotated write of a key nobody owns
    cache.get("video:1"); // use: unannotated plain read of streaming data
    cache.layer(CacheLayer.SERVER).set("user:1", v); // use: unannotated write off its layer
    try (RequestScope scope = cache.requestScope()) {
      scope.setScoped("req:1", v); // use: unannotated scoped entry
    }
  }
}
