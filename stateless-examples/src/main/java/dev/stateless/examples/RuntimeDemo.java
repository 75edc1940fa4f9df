package dev.stateless.examples;

import dev.stateless.RequestScope;
import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.StatelessException;
import dev.stateless.redis.RedisAdapter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The seeds' flows on a real {@link StatelessCache}: where each write goes, what it invalidates,
 * which layer serves each read, and what the rules refuse at run time. The server layer is
 * in-process unless a Redis URL is given (then a second node shares it, to show invalidation across
 * processes).
 */
final class RuntimeDemo {
  /** The counter demo: threads, each doing this many updates. */
  private static final int THREADS = 4;

  private static final int UPDATES_PER_THREAD = 250;

  /** The streamed value: a few chunks of 1MB and a partial one. */
  private static final int VIDEO_BYTES = 5 * 1024 * 1024 + 123;

  private final PrintStream out;
  private final @Nullable String redisUrl;

  RuntimeDemo(PrintStream out, @Nullable String redisUrl) {
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
      refuse(
          "set(\"req:1\") that no component owns, outside a request scope",
          () -> c.set("req:1", "x"));
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
      out.println();
      atomicUpdates(app.sync());
      out.println();
      atomicBatches(app.sync());
    }
    out.println();
    try (StatelessCache cache =
        builder(new SimpleMeterRegistry())
            .manifest(SeedManifests.BorrowCheckerCache.class)
            .build()) {
      scopes(cache.sync());
      out.println();
      streaming(cache.sync());
    }
    out.println();
    warmStart();
    if (redisUrl != null) {
      out.println();
      twoNodes();
    }
  }

  /** Seed 003 §7: read-change-write with no lost update, refused to a borrower. */
  private void atomicUpdates(SyncCache app) {
    out.println("== seed 003 §7: atomic_update(\"user:123\", ..), on manifest AppCache");
    String key = "user:123:visits";
    app.del(key);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                  // userData is untyped: in process it keeps the Long written; read from
                  // Redis a counter is text, as Redis holds it (a @ValueType Long would not be)
                  app.<Object>atomicUpdate(
                      key, n -> n == null ? 1L : Long.parseLong(n.toString()) + 1);
                }
              },
              "visits-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while counting", e);
      }
    }
    out.println(
        "-- "
            + THREADS
            + " threads x "
            + UPDATES_PER_THREAD
            + " atomicUpdate(\""
            + key
            + "\", n -> n + 1) -> "
            + show(app.get(key, Long.class))
            + " (expected "
            + THREADS * UPDATES_PER_THREAD
            + ": no update lost)");
    refuse(
        "analytics (borrows user:*) atomicUpdate(\"user:123\")",
        () -> app.component("analytics").<String>atomicUpdate("user:123", v -> v + "!"));
  }

  /** Seed 000 §4: several writes, all or nothing. */
  private void atomicBatches(SyncCache app) {
    out.println("== seed 000 §4: atomic_batch(|tx| ..), on manifest AppCache");
    app.atomicBatch(
        tx -> {
          tx.set("user:123", "Ada Lovelace");
          tx.set("user:123:prefs", "theme=dark");
        });
    out.println(
        "-- atomicBatch(tx -> { tx.set(\"user:123\", ..); tx.set(\"user:123:prefs\", ..); })");
    out.println("   both visible: " + both(app));
    refuse(
        "analytics (borrows user:*) atomicBatch setting user:123 and user:123:prefs",
        () ->
            app.component("analytics")
                .atomicBatch(
                    tx -> {
                      tx.set("user:123", "Mallory");
                      tx.set("user:123:prefs", "theme=light");
                    }));
    out.println("   nothing applied: " + both(app));
  }

  private static String both(SyncCache app) {
    return "user:123 -> "
        + show(app.get("user:123"))
        + ", user:123:prefs -> "
        + show(app.get("user:123:prefs"));
  }

  /** Seed 003 §6 and its lifetime rules: entries that end with a request or a session. */
  private void scopes(SyncCache c) {
    out.println("== seed 003 §6: request scopes and sessions, on manifest BorrowCheckerCache");
    try (RequestScope scope = c.async().requestScope()) {
      scope.setScoped("req:123", "data").join();
      out.println(
          "-- requestScope(): setScoped(\"req:123\", \"data\"), get req:123 -> "
              + show(c.get("req:123")));
    }
    out.println("   after the scope closed: req:123 -> " + show(c.get("req:123")));
    try (RequestScope scope = c.async().requestScope()) {
      scope.setScoped("req:124", "data").join();
      throw new IllegalStateException("request failed");
    } catch (IllegalStateException e) {
      out.println(
          "-- a request that throws (\""
              + e.getMessage()
              + "\") after setScoped(\"req:124\", ..): req:124 -> "
              + show(c.get("req:124")));
    }
    try (StatelessCache session = c.async().session()) {
      session
          .set("session:123", "data")
          .withCleanup(
              () ->
                  out.println(
                      "   cleanup callback: session 123 ended, session:123 -> "
                          + show(c.get("session:123"))))
          .join();
      out.println(
          "-- session(): set(\"session:123\", \"data\").withCleanup(fn), get session:123 -> "
              + show(c.get("session:123")));
      out.println("   closing the session:");
    }
    StatelessCache forgetful = c.async().session();
    forgetful.set("session:124", "data").join();
    refuse(
        "a session entry written without a cleanup, set(\"session:124\", ..), then close()",
        forgetful::close);
    out.println("   session:124 -> " + show(c.get("session:124")) + " all the same");
  }

  /** Seed 003 §4: a large value written and read in chunks, never whole. */
  private void streaming(SyncCache c) {
    out.println(
        "== seed 003 §4: streaming, on videoCache (@Layer(EDGE) @Streaming(chunkSize = \"1MB\"))");
    byte[] video = new byte[VIDEO_BYTES];
    new Random(123).nextBytes(video);
    c.setStream("video:123", new ByteArrayInputStream(video));
    out.println(
        "-- setStream(\"video:123\", <"
            + VIDEO_BYTES
            + " generated bytes>): "
            + (VIDEO_BYTES + (1 << 20) - 1) / (1 << 20)
            + " chunks of at most 1MB");
    String written = HexFormat.of().formatHex(sha256().digest(video));
    MessageDigest read = sha256();
    long size;
    try (InputStream in = new DigestInputStream(c.stream("video:123"), read)) {
      size = in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String readBack = HexFormat.of().formatHex(read.digest());
    out.println(
        "-- stream(\"video:123\") read back "
            + size
            + " bytes; SHA-256 "
            + (readBack.equals(written) ? "matches" : "DIFFERS")
            + ": "
            + readBack.substring(0, 16)
            + "...");
    refuse("get(\"video:123\"), a plain read of the streamed value", () -> c.get("video:123"));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Seed 003 §5: a node built next to a filled Redis starts with the popular keys near. */
  private void warmStart() {
    out.println("== seed 003 §5: warm start, on dataCache (@Prefetch(\"popular:*\") @Backfill)");
    if (redisUrl == null) {
      out.println(
          "-- (skipped) build() copies popular:* from the owner's shared layer (Redis) into the"
              + " new node's CLIENT layer; with every layer in-process there is none to copy from");
      return;
    }
    try (StatelessCache node1 =
        builder(new SimpleMeterRegistry())
            .manifest(SeedManifests.BorrowCheckerCache.class)
            .build()) {
      for (String k : List.of("popular:news", "popular:sports", "popular:weather")) {
        node1.sync().set(k, "front page of " + k.substring("popular:".length()));
      }
      out.println("-- node 1 writes popular:news, popular:sports, popular:weather to Redis");
      SimpleMeterRegistry r2 = new SimpleMeterRegistry();
      try (StatelessCache node2 =
          builder(r2).manifest(SeedManifests.BorrowCheckerCache.class).build()) {
        out.println("-- node 2 is built afterwards: build() warms its CLIENT layer");
        Reads reads = new Reads(r2);
        read(node2.sync(), reads, "popular:news");
        read(node2.sync(), reads, "popular:weather");
      }
      node1.sync().invalidatePattern("popular:*");
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
      String message = Objects.requireNonNull(e.getMessage(), "it renders its diagnostics");
      out.println(message.lines().map(l -> "   " + l).reduce((a, b) -> a + "\n" + b).orElse(""));
    }
  }

  private static String show(@Nullable Object v) {
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
          .get("cache.gets")
          .tag("layer", l.name().toLowerCase(Locale.ROOT))
          .tag("result", "hit")
          .functionCounters()
          .stream()
          .mapToDouble(FunctionCounter::count)
          .sum(); // one counter per component
    }

    String servedBy() {
      String by = "no layer: a miss";
      for (CacheLayer l : CacheLayer.values()) {
        double now = hits(l);
        if (now > Objects.requireNonNull(seen.get(l))) { // the constructor saw every layer
          by = l.name();
        }
        seen.put(l, now);
      }
      return by;
    }
  }
}
