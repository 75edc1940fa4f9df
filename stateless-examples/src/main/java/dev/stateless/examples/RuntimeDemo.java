package dev.stateless.examples;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.StatelessException;
import dev.stateless.redis.RedisAdapter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The seeds' flows on a real {@link StatelessCache}: where each write goes, what it invalidates,
 * which layer serves each read, and what the rules refuse at run time. The server layer is
 * in-process unless a Redis URL is given (then a second node shares it, to show invalidation across
 * processes).
 */
final class RuntimeDemo {
  private final PrintStream out;
  private final String redisUrl;

  RuntimeDemo(PrintStream out, String redisUrl) {
    this.out = out;
    this.redisUrl = redisUrl;
  }

  private StatelessCache.Builder builder(SimpleMeterRegistry registry) {
    StatelessCache.Builder b = StatelessCache.builder().meterRegistry(registry);
    if (redisUrl != null) {
      b.server(Stores.redis(redisUrl));
    }
    return b;
  }

  void run() {
    out.println(
        "== runtime: client and edge in-process, server "
            + (redisUrl == null
                ? "in-process (set STATELESS_REDIS_URL=redis://host:port for a real Redis)"
                : "in Redis at " + redisUrl));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StatelessCache cache =
        builder(registry).manifest(SeedManifests.BorrowCheckerCache.class).build()) {
      Reads reads = new Reads(registry);
      SyncCache c = cache.sync();
      write(c, "settings:42", "dark mode");
      write(c, "profile:42", "Ada's profile");
      read(c, reads, "settings:42");
      write(c, "user:42", "Ada");
      out.println(
          "   dependents of userData after that write: profile:42="
              + show(c.get("profile:42"))
              + ", settings:42="
              + show(c.get("settings:42")));
      read(c, reads, "user:42");
      write(c, "popular:home", "front page");
      read(c, reads, "popular:home");
      read(c, reads, "popular:home");
      c.set("products:all", "catalog");
      out.println("-- set products:all through its owner productCache (EDGE)");
      read(c, reads, "products:all");
      out.println(
          "-- invalidatePattern(\"popular:*\") dropped "
              + c.invalidatePattern("popular:*")
              + " entries (the server's entry and its edge and client copies)");
      refuse(
          "layer(CLIENT).set(\"products:all\"): the catalog copied into the client",
          () -> c.layer(CacheLayer.CLIENT).set("products:all", "copy"));
      refuse(
          "layer(SERVER).set(\"user:123\") following userData",
          () -> c.component("userData").layer(CacheLayer.SERVER).set("user:123", "x"));
      refuse("get(\"video:123\") on a @Streaming component", () -> c.get("video:123"));
      refuse("set(\"session:1\") that no component owns", () -> c.set("session:1", "x"));
      refuse("component(\"users\"), a name the manifest lacks", () -> c.component("users"));
      refuse(
          "set(\"products:huge\") over @MaxSize(\"50MB\")",
          () -> c.set("products:huge", new byte[51 * 1024 * 1024]));
    }
    out.println();
    SimpleMeterRegistry appRegistry = new SimpleMeterRegistry();
    try (StatelessCache app = builder(appRegistry).manifest(SeedManifests.AppCache.class).build()) {
      out.println("== seed 000 §8: from Redis calls to ownership, on manifest AppCache");
      RedisAdapter redis = new RedisAdapter(app).withStrategy(Strategy.REDIS_COMPATIBLE);
      redis.set("key", "value").join();
      out.println(
          "-- RedisAdapter (REDIS_COMPATIBLE) set key=value, get key -> "
              + show(redis.get("key").join()));
      redis.set("user:123", "Ada", "EX", "3600").join();
      out.println("-- set user:123 EX 3600, ttl -> " + redis.ttl("user:123").join() + " s");
      refuse(
          "analytics (borrows user:*) writes user:123",
          () -> app.component("analytics").sync().set("user:123", "x"));
      out.println(
          "-- analytics reads user:123 -> "
              + show(app.component("analytics").sync().get("user:123")));
      if (redisUrl != null) {
        twoNodes();
      }
    }
  }

  /** A second node on the same Redis: its owner write drops this node's copy. */
  private void twoNodes() {
    SimpleMeterRegistry r1 = new SimpleMeterRegistry();
    try (StatelessCache node1 =
            builder(r1).manifest(SeedManifests.BorrowCheckerCache.class).build();
        StatelessCache node2 =
            builder(new SimpleMeterRegistry())
                .manifest(SeedManifests.BorrowCheckerCache.class)
                .build()) {
      out.println("== two nodes sharing " + redisUrl);
      node2.sync().set("popular:home", "v1");
      Reads reads = new Reads(r1);
      read(node1.sync(), reads, "popular:home");
      read(node1.sync(), reads, "popular:home");
      node2.sync().set("popular:home", "v2");
      out.println("-- node 2 writes popular:home=v2");
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (node1.sync().layer(CacheLayer.CLIENT).get("popular:home") != null
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      read(node1.sync(), reads, "popular:home");
      out.println(
          "   node 1 received "
              + (long)
                  r1.get("stateless.invalidations")
                      .tag("event", "received")
                      .functionCounter()
                      .count()
              + " invalidation(s) from the stream");
    }
  }

  private void write(SyncCache c, String key, Object value) {
    c.set(key, value);
    out.println("-- set " + key + " = " + show(value) + " -> " + owner(c, key));
  }

  private String owner(SyncCache c, String key) {
    return c.manifest()
        .ownerOf(key)
        .map(Component::toString)
        .map(s -> "owner " + s)
        .orElse("no owner");
  }

  private void read(SyncCache c, Reads reads, String key) {
    Object v = c.get(key);
    out.println("-- get " + key + " -> " + show(v) + " (served by " + reads.servedBy() + ")");
  }

  private void refuse(String what, Runnable call) {
    try {
      call.run();
      out.println("-- " + what + ": allowed");
    } catch (StatelessException e) {
      out.println("-- " + what + ":");
      out.println(
          e.getMessage().lines().map(l -> "   " + l).reduce((a, b) -> a + "\n" + b).orElse(""));
    }
  }

  private static String show(Object v) {
    if (v == null) {
      return "(absent)";
    }
    return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
  }

  /** Which layer answered the last read: the layer whose hit counter moved. */
  private static final class Reads {
    private final SimpleMeterRegistry registry;
    private final Map<CacheLayer, Double> seen = new EnumMap<>(CacheLayer.class);

    Reads(SimpleMeterRegistry registry) {
      this.registry = registry;
      for (CacheLayer l : CacheLayer.values()) {
        seen.put(l, hits(l));
      }
    }

    private double hits(CacheLayer l) {
      return registry
          .get("stateless.cache.gets")
          .tag("layer", l.name().toLowerCase(Locale.ROOT))
          .tag("result", "hit")
          .functionCounter()
          .count();
    }

    String servedBy() {
      String by = "no layer: a miss";
      for (CacheLayer l : CacheLayer.values()) {
        double now = hits(l);
        if (now > seen.get(l)) {
          by = l.name();
        }
        seen.put(l, now);
      }
      return by;
    }
  }
}
