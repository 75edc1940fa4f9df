package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two caches sharing one redis-server act as two application nodes: an owner write on one drops the
 * other's copies, through the invalidation streams, also across a Redis restart.
 */
class CrossNodeInvalidationIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration EVENTUALLY = Duration.ofSeconds(10);

  private final List<StatelessCache> open = new ArrayList<>();
  private SimpleMeterRegistry metricsA;

  @BeforeEach
  void clean() {
    redis.flushAll();
    metricsA = new SimpleMeterRegistry();
  }

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private SyncCache node(SimpleMeterRegistry registry) {
    return node(registry, null);
  }

  /** A node whose in-process layers run on {@code clock} (null: the system's). */
  private SyncCache node(SimpleMeterRegistry registry, java.time.Clock clock) {
    StatelessCache.Builder b =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(redis.uri() + "?timeout=1s"));
    if (registry != null) {
      b.meterRegistry(registry);
    }
    if (clock != null) {
      b.clock(clock);
    }
    StatelessCache c = b.build();
    open.add(c);
    return c.sync();
  }

  /** Waits for a condition another thread makes true; fails after a deadline, never sleeps long. */
  private static void eventually(String what, BooleanSupplier condition) {
    Await.until(what, EVENTUALLY, condition);
  }

  /** Like {@link #eventually}, while calls may still fail (Redis away, reconnecting). */
  private static void eventuallyDespiteFailures(String what, BooleanSupplier condition) {
    eventually(
        what,
        () -> {
          try {
            return condition.getAsBoolean();
          } catch (StatelessException e) {
            return false;
          }
        });
  }

  /**
   * Reads until the node holds a client copy (a fill racing an event is skipped, by design). Right
   * after a reconnect its copies are not trusted yet (SL104), so failures are retried too.
   */
  private static void readUntilCopied(SyncCache node, String key, Object expected) {
    eventuallyDespiteFailures(
        "a client copy of " + key,
        () -> expected.equals(node.get(key)) && node.layer(CacheLayer.CLIENT).get(key) != null);
  }

  private double invalidations(String event) {
    return metricsA.get("stateless.invalidations").tag("event", event).functionCounter().count();
  }

  @Test
  void ownerWriteOnOneNode_dropsTheOtherNodesCopy() {
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:1", "v1");
    readUntilCopied(a, "user:1", "v1");
    b.set("user:1", "v2");
    eventually("A's client copy dropped", () -> a.layer(CacheLayer.CLIENT).get("user:1") == null);
    assertThat(a.get("user:1")).isEqualTo("v2");
    assertThat(invalidations("received")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void delete_andDependents_andPatterns_reachTheOtherNode() {
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:2", "u");
    b.set("user:3:posts", "p");
    readUntilCopied(a, "user:2", "u");
    readUntilCopied(a, "user:3:posts", "p");
    b.del("user:2");
    eventually(
        "deleted key's copy dropped", () -> a.layer(CacheLayer.CLIENT).get("user:2") == null);
    assertThat(a.get("user:2")).isNull();
    b.invalidatePattern("user:3:*");
    eventually(
        "pattern's copies dropped", () -> a.layer(CacheLayer.CLIENT).get("user:3:posts") == null);
    assertThat(a.get("user:3:posts")).isNull();
    b.set("profile:7", "derived");
    assertThat(a.get("profile:7")).isEqualTo("derived");
    a.set("user:7", "owner write on A");
    assertThat(b.get("profile:7")).isNull();
    assertThat(a.get("profile:7")).isNull();
  }

  @Test
  void lostEvents_dropEveryCopy_andAreCounted() {
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:1", "u");
    b.set("hot:1", "h");
    b.flush(); // hot:1 is CLIENT_FIRST: queued, in Redis once flushed
    // B's three events (user:1, its dependents' pattern profile:*, hot:1) reach A first, or one
    // could drop A's copy after it is made.
    eventually("A received B's events", () -> invalidations("received") >= 3);
    readUntilCopied(a, "user:1", "u");
    readUntilCopied(a, "hot:1", "h");
    String stream = RedisKeys.log(RedisKeys.STANDALONE);
    String sequence = RedisKeys.sequence(RedisKeys.STANDALONE);
    // Another writer's events were trimmed away: the next event's number skips five.
    redis.command("HINCRBY", sequence, RedisKeys.SEQUENCE_FIELD, "5");
    String seq = redis.command("HINCRBY", sequence, RedisKeys.SEQUENCE_FIELD, "1");
    redis.command(
        "XADD", stream, "*", "s", seq, "n", "elsewhere", "o", "users", "k", "user:unrelated");
    // The log holds every owner's events: a gap may have hidden any key's, so every copy goes.
    eventually(
        "the gap drops users' copies", () -> a.layer(CacheLayer.CLIENT).get("user:1") == null);
    eventually("and hot's", () -> a.layer(CacheLayer.CLIENT).get("hot:1") == null);
    assertThat(a.get("hot:1")).isEqualTo("h");
    assertThat(invalidations("missed")).isGreaterThanOrEqualTo(5);
    assertThat(a.get("user:1")).isEqualTo("u");
  }

  /**
   * Rewrites an owner's stream as a replica promoted by a failover would hold it, in one step (so
   * that no reader sees its counter go back meanwhile): without the last event (the old master's,
   * which never reached the replica), with an event of the new master numbered as the lost one and
   * placed before it (invalidating {@code ARGV[1]}, now {@code ARGV[3]}), and one numbered next,
   * placed after it (for {@code ARGV[2]}). Returns the lost event's number.
   */
  private static final String FAILED_OVER_HISTORY =
      String.join(
          "\n",
          "local stream, counters = KEYS[1], KEYS[2]",
          "local entries = redis.call('XRANGE', stream, '-', '+')",
          // the last key event (a pattern event for its dependents may follow: lost with it)
          "local last = #entries",
          "local function haskey(e)",
          "  for i = 1, #e[2], 2 do if e[2][i] == 'k' then return true end end",
          "  return false",
          "end",
          "while not haskey(entries[last]) do last = last - 1 end",
          "local lost, before = entries[last], entries[last - 1]",
          "local fields, n = lost[2], 0",
          "for i = 1, #fields, 2 do if fields[i] == 's' then n = tonumber(fields[i + 1]) end end",
          "local function event(seq, key)",
          "  local out = {}",
          "  for i = 1, #fields, 2 do",
          "    local v = fields[i + 1]",
          "    if fields[i] == 's' then v = tostring(seq) elseif fields[i] == 'k' then v = key end",
          "    out[#out + 1] = fields[i]",
          "    out[#out + 1] = v",
          "  end",
          "  return out",
          "end",
          "local bms, bseq = string.match(before[1], '(%d+)-(%d+)')",
          "local lms, lseq = string.match(lost[1], '(%d+)-(%d+)')",
          "redis.call('DEL', stream)",
          "for i = 1, last - 1 do",
          "  redis.call('XADD', stream, entries[i][1], unpack(entries[i][2]))",
          "end",
          "redis.call('XADD', stream, bms .. '-' .. (tonumber(bseq) + 1), unpack(event(n, ARGV[1])))",
          "redis.call('XADD', stream, lms .. '-' .. (tonumber(lseq) + 1), unpack(event(n + 1, ARGV[2])))",
          "redis.call('HSET', counters, '" + RedisKeys.SEQUENCE_FIELD + "', n + 1)",
          "redis.call('SET', ARGV[1], ARGV[3])",
          "return n");

  /**
   * Regression: after a failover, the promoted replica may lack the last events a node read from
   * the old master (replication is asynchronous), and number the new master's own events from where
   * it was. Its counter then passes the node's again, and the next event the node reads follows the
   * last one it read in numbering, while the event that invalidated one of its copies lies before
   * the position it reads from: neither the counter nor the numbering shows the loss. Staged on one
   * server while A's reader is cut off: A must drop the owner's copies once back.
   */
  @Test
  void historyThatDivergedWhileAReaderWasAway_dropsItsCopies_thoughCounterAndNumberingGoOn() {
    String user = "node-a";
    assertThat(redis.command("ACL", "SETUSER", user, "reset", "on", ">secret", "~*", "&*", "+@all"))
        .isEqualTo("OK");
    StatelessCache aCache =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(
                Stores.redis(
                    "redis://" + user + ":secret@127.0.0.1:" + redis.port() + "?timeout=1s"))
            .build();
    open.add(aCache);
    SyncCache a = aCache.sync();
    SyncCache b = node(null);
    String stream = RedisKeys.log(RedisKeys.STANDALONE);
    b.set("user:1", "v1");
    readUntilCopied(a, "user:1", "v1");
    b.set("user:2", "x1");
    readUntilCopied(a, "user:2", "x1");
    long before =
        Long.parseLong(
            redis.command("XREVRANGE", stream, "+", "-", "COUNT", "1")
                .split("\n", -1)[0]
                .split("-", -1)[0]);
    eventually("the clock of Redis moves on", () -> redisMillis() > before);
    b.set("user:2", "x2"); // the old master's last event: A reads it, the replica never gets it
    eventually("A read B's last event", () -> a.layer(CacheLayer.CLIENT).get("user:2") == null);
    redis.command("ACL", "SETUSER", user, "-xread");
    eventually(
        "A's reader is cut off",
        () -> {
          try {
            a.layer(CacheLayer.CLIENT).get("user:1");
            return false;
          } catch (StatelessException e) {
            return true;
          }
        });

    redis.command(
        "EVAL",
        FAILED_OVER_HISTORY,
        "2",
        stream,
        RedisKeys.sequence(RedisKeys.STANDALONE),
        "user:1",
        "user:3",
        "v2");
    redis.command("ACL", "SETUSER", user, "+xread");

    eventuallyDespiteFailures(
        "A's reader is back", () -> a.layer(CacheLayer.CLIENT).get("user:3") == null);
    assertThat(a.layer(CacheLayer.CLIENT).get("user:1"))
        .as("A's copy of user:1, which the new master's first event invalidated")
        .isNull();
    assertThat(a.get("user:1")).isEqualTo("v2");
  }

  private static long redisMillis() {
    String[] time = redis.command("TIME").split("\n", -1);
    return Long.parseLong(time[0]) * 1000 + Long.parseLong(time[1]) / 1000;
  }

  @Test
  void redisRestart_failsFastWhileDown_andLeavesNoStaleCopyAfterwards() {
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:1", "before");
    readUntilCopied(a, "user:1", "before");
    redis.stop();
    eventually(
        "A stops trusting its copies",
        () -> {
          try {
            a.get("user:1");
            return false;
          } catch (StatelessException e) {
            return true;
          }
        });
    long started = System.nanoTime();
    assertThatThrownBy(() -> a.get("user:1"))
        .isInstanceOf(StatelessException.class)
        .satisfies(
            e ->
                assertThat(((StatelessException) e).code())
                    .as("network failure or timeout")
                    .isIn("SL100", "SL101"))
        .hasMessageContaining("help:");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("fails within the configured timeout")
        .isLessThan(Duration.ofSeconds(5));
    assertThatThrownBy(() -> b.set("user:1", "during")).isInstanceOf(StatelessException.class);
    redis.start();
    eventuallyDespiteFailures("B writes again", () -> b.set("user:1", "after"));
    eventuallyDespiteFailures("A reads the new value", () -> "after".equals(a.get("user:1")));
    eventually("the restart is noticed as lost events", () -> invalidations("missed") >= 1);
    readUntilCopied(a, "user:1", "after");
  }

  @Test
  void malformedEvent_doesNotStopTheReader_andDropsThatOwnersCopies() {
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:1", "old");
    readUntilCopied(a, "user:1", "old");
    redis.command("XADD", RedisKeys.log(RedisKeys.STANDALONE), "*", "s", "not-a-number");
    eventually(
        "the owner's copies dropped", () -> a.layer(CacheLayer.CLIENT).get("user:1") == null);
    b.set("user:1", "new");
    eventually("later events still applied", () -> "new".equals(a.get("user:1")));
    readUntilCopied(a, "user:1", "new");
    b.set("user:1", "newer");
    eventually("and still", () -> "newer".equals(a.get("user:1")));
  }

  /**
   * A node with only a server layer: it holds no copies and reads no events, but other nodes
   * sharing its Redis do hold copies of what it writes.
   */
  private SyncCache serverOnlyNode(SimpleMeterRegistry registry) {
    StatelessCache.Builder b =
        StatelessCache.builder()
            .manifest(
                dev.stateless.core.Manifest.builder("Backend")
                    .layers(CacheLayer.SERVER)
                    .component(
                        dev.stateless.core.Component.builder("users")
                            .owns("user:*")
                            .invalidates("profile:*")
                            .backfill(true)
                            .build())
                    .component(
                        dev.stateless.core.Component.builder("profiles").owns("profile:*").build())
                    .build())
            .server(Stores.redis(redis.uri()));
    if (registry != null) {
      b.meterRegistry(registry);
    }
    StatelessCache backend = b.build();
    open.add(backend);
    return backend.sync();
  }

  @Test
  void writerWithOnlyAServerLayer_stillInvalidatesOtherNodesCopies() {
    SyncCache a = node(metricsA);
    SyncCache backend = serverOnlyNode(null);
    backend.set("user:1", "old");
    readUntilCopied(a, "user:1", "old");
    backend.set("user:1", "new");
    eventually("A's copy dropped", () -> a.layer(CacheLayer.CLIENT).get("user:1") == null);
    assertThat(a.get("user:1")).isEqualTo("new");
  }

  /**
   * The pattern event is sent only if the Redis store {@code publishes()}; that once answered
   * whether this node listens to events (a layer nearer than Redis), so a writer with only a server
   * layer deleted a pattern's keys but left other nodes serving their copies. Its writes' events
   * must also count as sent.
   */
  @Test
  void patternInvalidation_byAWriterWithOnlyAServerLayer_stillDropsOtherNodesCopies() {
    SyncCache a = node(metricsA);
    SimpleMeterRegistry backendMetrics = new SimpleMeterRegistry();
    SyncCache backend = serverOnlyNode(backendMetrics);
    backend.set("user:5:posts", "p");
    readUntilCopied(a, "user:5:posts", "p");
    assertThat(backend.invalidatePattern("user:5:*")).isEqualTo(1);
    eventually( // the event drops the copies layer by layer: wait for the last
        "A's copies of the pattern's key dropped",
        () ->
            a.layer(CacheLayer.CLIENT).get("user:5:posts") == null
                && a.layer(CacheLayer.EDGE).get("user:5:posts") == null);
    assertThat(a.get("user:5:posts")).isNull();
    assertThat(
            backendMetrics
                .get("stateless.invalidations")
                .tag("event", "sent")
                .functionCounter()
                .count())
        .as("the set's event and the pattern's events (users and unowned)")
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void copies_neverOutliveTheOwnersTtl() {
    ManualClock clock = new ManualClock();
    SyncCache a = node(metricsA, clock);
    SyncCache b = node(null);
    b.set("user:short", "soon gone", dev.stateless.SetOptions.ttl(Duration.ofSeconds(2)));
    long left = Long.parseLong(redis.command("PTTL", "user:short"));
    readUntilCopied(a, "user:short", "soon gone");
    // No event is sent for an expiry: the copy must carry the owner's remaining TTL, as Redis
    // reported it when the copy was made (no more than it reported before). A's clock stands
    // still until the test moves it, so the copy must be gone once it has moved that far.
    clock.advance(Duration.ofMillis(left));
    assertThat(a.layer(CacheLayer.CLIENT).get("user:short")).isNull();
    eventually("Redis expires the key", () -> "-2".equals(redis.command("PTTL", "user:short")));
    assertThat(a.get("user:short")).isNull();
  }

  @Test
  void edgeLayerInRedis_servesEdgeData_andInvalidatesClientCopiesAcrossNodes() {
    dev.stateless.core.Manifest m =
        dev.stateless.core.Manifest.builder("EdgeInRedis")
            .component(
                dev.stateless.core.Component.builder("products")
                    .owns("product:*")
                    .layer(CacheLayer.EDGE)
                    .backfill(true)
                    .build())
            .build();
    List<SyncCache> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      StatelessCache c =
          StatelessCache.builder().manifest(m).edge(Stores.redis(redis.uri())).build();
      open.add(c);
      nodes.add(c.sync());
    }
    SyncCache a = nodes.get(0);
    SyncCache b = nodes.get(1);
    b.set("product:1", "v1");
    assertThat(redis.command("EXISTS", "product:1")).isEqualTo("1");
    assertThat(a.layer(CacheLayer.SERVER).get("product:1")).isNull();
    readUntilCopied(a, "product:1", "v1");
    b.set("product:1", "v2");
    eventually(
        "A's client copy dropped", () -> a.layer(CacheLayer.CLIENT).get("product:1") == null);
    assertThat(a.get("product:1")).isEqualTo("v2");
  }

  @Test
  void twoLayersOnOneRedisDatabase_areRefused() {
    assertThatThrownBy(
            () ->
                StatelessCache.builder()
                    .edge(Stores.redis(redis.uri()))
                    .server(Stores.redis(redis.uri()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EDGE and SERVER");
  }

  @Test
  void writeThatTimesOut_stillDropsTheWritersOwnCopies() {
    SyncCache a = node(metricsA);
    a.set("user:1", "v1");
    readUntilCopied(a, "user:1", "v1");
    redis.command("CLIENT", "PAUSE", "1500", "WRITE");
    assertThatThrownBy(() -> a.set("user:1", "v2"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL101"));
    // Redis runs the write once the pause ends; its event is A's own, which A skips.
    eventually("Redis applied the write", () -> "v2".equals(redis.command("GET", "user:1")));
    assertThat(a.layer(CacheLayer.CLIENT).get("user:1")).isNull();
    assertThat(a.get("user:1")).isEqualTo("v2");
  }

  @Test
  void patternInvalidation_thatFailsHalfway_stillTellsTheOtherNodes() {
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:1", "u");
    eventually("A received B's event", () -> invalidations("received") >= 1);
    readUntilCopied(a, "user:1", "u");
    redis.command(
        "SET",
        RedisKeys.index(RedisKeys.STANDALONE, null),
        "not a sorted set"); // the unowned index breaks
    assertThatThrownBy(() -> b.invalidatePattern("user:*")).isInstanceOf(StatelessException.class);
    assertThat(redis.command("EXISTS", "user:1")).isEqualTo("0");
    eventually("A's copy dropped", () -> a.layer(CacheLayer.CLIENT).get("user:1") == null);
    assertThat(a.get("user:1")).isNull();
  }

  @Test
  void closingFromACallback_doesNotHang() throws Exception {
    StatelessCache c =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(redis.uri()))
            .build();
    c.sync().set("plain:1", "x");
    java.util.concurrent.CompletableFuture<Void> closed = c.get("plain:1").thenRun(c::close);
    closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThatThrownBy(() -> c.sync().get("plain:1"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL105"));
  }

  @Test
  void anEventTheListenerCannotApply_dropsThatOwnersCopies() {
    CacheStrategy brokenForOneKey =
        new CacheStrategy() {
          @Override
          public CacheLayer determineLocation(String key) {
            if (key.equals("user:boom")) {
              throw new IllegalStateException("a bug in application code");
            }
            return null;
          }

          @Override
          public java.util.List<String> handleInvalidation(String pattern) {
            return java.util.List.of();
          }
        };
    StatelessCache aCache =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(redis.uri()))
            .strategy(brokenForOneKey)
            .meterRegistry(metricsA)
            .build();
    open.add(aCache);
    SyncCache a = aCache.sync();
    SyncCache b = node(null);
    b.set("user:1", "u");
    eventually("A received B's event", () -> invalidations("received") >= 1);
    readUntilCopied(a, "user:1", "u");
    b.set("user:boom", "x");
    eventually("users' copies dropped", () -> a.layer(CacheLayer.CLIENT).get("user:1") == null);
    assertThat(invalidations("missed")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aForeignEntryInAStream_doesNotStopNewNodesFromStarting() {
    redis.command("XADD", RedisKeys.log(RedisKeys.STANDALONE), "*", "x", "1");
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:1", "u");
    assertThat(a.get("user:1")).isEqualTo("u");
  }

  @Test
  void eventsWrittenWhileANodeWasAway_areReplayed() {
    SyncCache a = node(metricsA);
    SyncCache b = node(null);
    b.set("user:1", "v1");
    readUntilCopied(a, "user:1", "v1");
    // Cut only A's connections; Redis and its streams stay.
    redis.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    eventuallyDespiteFailures("B writes after the cut", () -> b.set("user:1", "v2"));
    eventuallyDespiteFailures("A sees v2", () -> "v2".equals(a.get("user:1")));
    assertThat(invalidations("received")).isGreaterThanOrEqualTo(1);
  }
}
