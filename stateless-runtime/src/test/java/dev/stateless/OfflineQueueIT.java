package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Strategy;
import dev.stateless.annotation.Streaming;
import dev.stateless.annotation.UseStrategy;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.OfflineQueue;
import dev.stateless.internal.OfflineWrites;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.RedisServerExtension.Persistence;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CLIENT_FIRST} writes to Redis-owned keys ({@code hot:*} in {@link TestManifest}) through
 * the offline queue: they complete while Redis is down, are served locally, survive a crash of the
 * node, and reach Redis exactly once and in order; conflicts with newer server versions are
 * reported.
 */
class OfflineQueueIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final String SEQUENCE = RedisKeys.sequence(RedisKeys.STANDALONE);
  private static final int WRITES = 10_000;
  private static final int KEYS = 100;

  /** CLIENT_FIRST owners the offline queue treats specially. */
  @CacheManifest
  static final class QueueManifest {
    @Streaming(chunkSize = "1KB")
    @UseStrategy(Strategy.CLIENT_FIRST)
    @Owns("reel:*")
    Object reels;

    @UseStrategy(Strategy.CLIENT_FIRST)
    @Owns("lead:*")
    @Invalidates("dep:*")
    Object leads;

    @Owns("dep:*")
    Object deps;

    private QueueManifest() {}
  }

  @TempDir Path dir;

  private final List<StatelessCache> open = new ArrayList<>();

  @BeforeEach
  void clean() {
    redis.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private StatelessCache.Builder builder() {
    return StatelessCache.builder()
        .manifest(TestManifest.class)
        .server(Stores.redis(redis.uri() + "?timeout=5s"));
  }

  private StatelessCache.Builder queueNode() {
    return StatelessCache.builder()
        .manifest(QueueManifest.class)
        .server(Stores.redis(redis.uri() + "?timeout=5s"));
  }

  private StatelessCache node(StatelessCache.Builder b) {
    StatelessCache c = b.build();
    open.add(c);
    return c;
  }

  /** Simulates a kill: the queue file is not closed cleanly and nothing more is drained. */
  private void crash(StatelessCache c) {
    c.engine().crash();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(2, TimeUnit.MINUTES); // a guard against a hang, not a timing assertion
  }

  private static String key(int write) {
    return "hot:k" + (write % KEYS);
  }

  private static String value(int write) {
    return key(write) + "@v" + (write / KEYS);
  }

  /** The value Redis holds: the text itself, as any client reads it. */
  private static String inRedis(String key) {
    return redis.command("GET", key);
  }

  /** The queue numbers ({@code q}) of the events in the log, with their keys. */
  private static List<String[]> queuedEvents() {
    String[] lines =
        redis.command("XRANGE", RedisKeys.log(RedisKeys.STANDALONE), "-", "+").split("\n");
    List<String[]> events = new ArrayList<>();
    String key = null;
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].equals("k")) {
        key = lines[i + 1];
      } else if (lines[i].equals("q")) {
        events.add(new String[] {lines[i + 1], key});
      }
    }
    return events;
  }

  private static void eventually(String what, BooleanSupplier condition) {
    Await.until(what, Duration.ofSeconds(60), condition);
  }

  /** Makes the issue's 10,000 writes with Redis down; checks they complete and are served. */
  private StatelessCache writeOffline(Path queue, Duration removalDelay) throws Exception {
    StatelessCache a = node(builder().offlineQueue(queue).offlineRemovalCommitDelay(removalDelay));
    redis.stop();
    List<CompletableFuture<Boolean>> writes = new ArrayList<>(WRITES);
    for (int i = 0; i < WRITES; i++) {
      writes.add(a.set(key(i), value(i)));
    }
    for (CompletableFuture<Boolean> w : writes) {
      assertThat(await(w)).isTrue(); // durable in the queue although Redis is down
    }
    assertThat(a.pendingWrites()).isEqualTo(WRITES);
    for (int k = 0; k < KEYS; k++) {
      int last = WRITES - KEYS + k;
      assertThat(a.sync().get(key(last))).isEqualTo(value(last));
      assertThat(await(a.get(key(last)))).isEqualTo(value(last));
    }
    return a;
  }

  /**
   * Every key holds its last version; the stream's queue numbers are exactly 1..10000, in order.
   */
  private static void assertAppliedOnceInOrder() {
    for (int k = 0; k < KEYS; k++) {
      int last = WRITES - KEYS + k;
      assertThat(inRedis(key(last))).isEqualTo(value(last));
    }
    assertThat(redis.command("HGET", SEQUENCE, RedisKeys.SEQUENCE_FIELD))
        .isEqualTo(Integer.toString(WRITES));
    List<String[]> events = queuedEvents();
    assertThat(events).hasSize(WRITES);
    for (int i = 0; i < WRITES; i++) {
      assertThat(events.get(i)[0]).isEqualTo(Integer.toString(i + 1));
      assertThat(events.get(i)[1]).isEqualTo(key(i));
    }
  }

  @Test
  void tenThousandWritesWhileRedisIsDown_survivingAKill_reachRedisExactlyOnceInOrder()
      throws Exception {
    Path queue = dir.resolve("queue.mv");
    StatelessCache a = writeOffline(queue, Duration.ofSeconds(1));
    crash(a);

    redis.start(); // empty: no persistence
    assertThat(redis.command("HGET", SEQUENCE, RedisKeys.SEQUENCE_FIELD)).isNull();
    StatelessCache b = node(builder().offlineQueue(queue));
    await(b.flush());

    assertThat(b.pendingWrites()).isZero();
    assertAppliedOnceInOrder();
    OfflineWrites drained = b.engine().offline().current();
    assertThat(drained.applied.sum()).isEqualTo(WRITES);
    assertThat(drained.skipped.sum()).isZero();
    for (int k = 0; k < KEYS; k++) {
      int last = WRITES - KEYS + k;
      assertThat(b.sync().get(key(last))).isEqualTo(value(last));
    }
  }

  /**
   * The issue's exact order: the node restarts before Redis does. It builds (it has a queue file
   * and CLIENT_FIRST data in Redis), serves its queued writes, fails other reads with SL100, and
   * drains everything exactly once, in order, when Redis comes back.
   */
  @Test
  void tenThousandWritesWhileRedisIsDown_nodeRestartsBeforeRedis_servesThenDrainsExactlyOnce()
      throws Exception {
    Path queue = dir.resolve("queue.mv");
    StatelessCache a = writeOffline(queue, Duration.ofSeconds(1));
    crash(a);

    StatelessCache b = node(builder().offlineQueue(queue)); // Redis is still down
    assertThat(b.pendingWrites()).isEqualTo(WRITES);
    for (int k = 0; k < KEYS; k++) {
      int last = WRITES - KEYS + k;
      assertThat(b.sync().get(key(last))).isEqualTo(value(last));
      assertThat(await(b.get(key(last)))).isEqualTo(value(last));
    }
    assertThatThrownBy(() -> b.sync().get("hot:never-written"))
        .isInstanceOf(CacheNetworkException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL100"));
    assertThatThrownBy(() -> b.sync().get("user:1")) // another owner in Redis: the same
        .isInstanceOf(CacheNetworkException.class);
    assertThat(b.flush()).isNotDone();

    redis.start(); // empty: no persistence
    await(b.flush());

    assertThat(b.pendingWrites()).isZero();
    assertAppliedOnceInOrder();
    OfflineWrites drained = b.engine().offline().current();
    assertThat(drained.applied.sum()).isEqualTo(WRITES);
    assertThat(drained.skipped.sum()).isZero();
    for (int k = 0; k < KEYS; k++) {
      int last = WRITES - KEYS + k;
      assertThat(b.sync().get(key(last))).isEqualTo(value(last));
    }
    assertThat(b.sync().get("hot:never-written")).isNull(); // connected now
    b.sync().set("user:1", "online");
    assertThat(inRedis("user:1")).isEqualTo("online");
  }

  @Test
  void redisDownAtBuild_withoutAQueueFileOrCLIENT_FIRSTData_stillFailsWithSL100() {
    redis.stop();
    assertThatThrownBy(() -> node(builder()))
        .isInstanceOf(CacheNetworkException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL100"));
    // A queue file, but nothing in Redis is CLIENT_FIRST: no reason to start blind.
    assertThatThrownBy(
            () ->
                node(
                    StatelessCache.builder()
                        .server(Stores.redis(redis.uri()))
                        .offlineQueue(dir.resolve("q.mv"))))
        .isInstanceOf(CacheNetworkException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL100"));
  }

  @Test
  void closingACacheThatNeverConnected_returnsAndLeavesNoThreadRunning() throws Exception {
    redis.stop();
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    StatelessCache c = node(builder().offlineQueue(dir.resolve("q.mv")));
    assertThat(c.sync().set("hot:a", "queued")).isTrue();
    assertThat(threadsSince(before))
        .anyMatch(t -> t.getName().startsWith("stateless-redis-connect"));

    long start = System.nanoTime();
    CompletableFuture.runAsync(c::close).get(30, TimeUnit.SECONDS); // a guard against a hang
    System.out.println(
        "closed in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");

    for (Thread t : threadsSince(before)) {
      t.join(10_000); // Netty's event loops end just after their shutdown completes
      assertThat(t.isAlive()).as("thread %s", t.getName()).isFalse();
    }
  }

  /** The cache's threads (ours and Lettuce's) started since the snapshot. */
  private static List<Thread> threadsSince(Set<Thread> before) {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t)
          && (t.getName().startsWith("stateless-") || t.getName().startsWith("lettuce-"))) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void killMidDrain_resendsWhatWasDrainedButNotRemoved_andRedisSkipsTheDuplicates()
      throws Exception {
    Path queue = dir.resolve("queue.mv");
    // Drained records' removals are never committed before the kill: each comes back.
    StatelessCache a = writeOffline(queue, Duration.ofDays(1));
    redis.start();
    eventually("a part drained", () -> a.pendingWrites() <= WRITES - 1000);
    OfflineWrites first = a.engine().offline().current();
    crash(a);
    long appliedBeforeKill = first.applied.sum();
    System.out.println("applied before the kill: " + appliedBeforeKill);
    assertThat(appliedBeforeKill).isGreaterThanOrEqualTo(1000);

    StatelessCache b = node(builder().offlineQueue(queue));
    await(b.flush());

    OfflineWrites second = b.engine().offline().current();
    System.out.println(
        "after restart: re-sent and skipped "
            + second.skipped.sum()
            + ", applied "
            + second.applied.sum());
    assertThat(second.skipped.sum()).isGreaterThanOrEqualTo(appliedBeforeKill);
    assertThat(second.skipped.sum() + second.applied.sum()).isEqualTo(WRITES);
    assertAppliedOnceInOrder();
  }

  @Test
  void offlineWriteOverANewerServerVersion_isReportedAndTheServerWins() throws Exception {
    Path queue = dir.resolve("a.mv");
    String k = "hot:conflict";
    StatelessCache w = node(builder());
    w.sync().set(k, "v0");
    w.sync().flush();
    StatelessCache a = node(builder().offlineQueue(queue));
    eventually(
        "a client copy of " + k,
        () -> "v0".equals(a.sync().get(k)) && a.sync().layer(CacheLayer.CLIENT).get(k) != null);

    redis.stop();
    assertThat(await(a.set(k, "mine"))).isTrue();
    assertThat(a.sync().get(k)).isEqualTo("mine");
    crash(a);
    redis.start();
    StatelessCache b = node(builder());
    b.sync().set(k, "theirs");
    b.sync().flush();
    assertThat(inRedis(k)).isEqualTo("theirs");

    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    StatelessCache a2 =
        node(builder().offlineQueue(queue).onConflict(conflicts::add).meterRegistry(metrics));
    await(a2.flush());

    assertThat(inRedis(k)).isEqualTo("theirs");
    assertThat(conflicts).hasSize(1);
    OfflineConflict c = conflicts.get(0);
    assertThat(c.key()).isEqualTo(k);
    assertThat(c.localValue()).isEqualTo("mine");
    assertThat(c.serverValue()).isEqualTo("theirs");
    assertThat(c.toString()).contains(k, "mine", "theirs");
    assertThat(a2.sync().get(k)).isEqualTo("theirs");
    assertThat(metrics.get("stateless.offline.conflicts").functionCounter().count()).isEqualTo(1);
  }

  /**
   * Issue 12, defect 2: Redis came back empty. The queued write expected the value Redis held
   * before; no other node wrote, so it is applied, not judged a conflict.
   */
  @Test
  void offlineWrite_afterRedisCameBackEmpty_isAppliedNotAConflict() throws Exception {
    Path queue = dir.resolve("a.mv");
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    StatelessCache w = node(builder());
    StatelessCache a = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String k = "hot:empty" + i;
      keys.add(k);
      w.sync().set(k, "before");
      // a copy in a's client layer, so its offline write names what it replaces
      eventually("a's client copy of " + k, () -> readsCopy(a, k, "before"));
    }

    redis.stop();
    for (String k : keys) {
      assertThat(await(a.set(k, "mine-" + k))).isTrue();
    }
    redis.start(); // empty: no persistence
    await(a.flush());

    assertThat(conflicts).isEmpty();
    for (String k : keys) {
      assertThat(inRedis(k)).as(k).isEqualTo("mine-" + k);
      assertThat(a.sync().get(k)).as(k).isEqualTo("mine-" + k);
    }
  }

  /**
   * Issue 12, defect 2: Redis came back from a snapshot older than the value the queued write
   * replaced; no other node wrote since, so the write is applied.
   */
  @Test
  void offlineWrite_afterRedisCameBackFromAnOlderSnapshot_isAppliedNotAConflict() throws Exception {
    Path queue = dir.resolve("a.mv");
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    String k = "hot:rdb";
    String deleted = "hot:rdb-deleted";
    StatelessCache w = node(builder());
    w.sync().set(k, "v0");
    w.sync().set(deleted, "d0");
    await(w.flush()); // CLIENT_FIRST: acknowledged once queued; in Redis once drained
    // the snapshot Redis comes back from: k = v0, deleted = d0
    assertThat(redis.command("SAVE")).isEqualTo("OK");
    try {
      w.sync().set(k, "v1");
      w.sync().del(deleted);
      StatelessCache a = node(builder().offlineQueue(queue).onConflict(conflicts::add));
      eventually("a's client copy of " + k, () -> readsCopy(a, k, "v1"));
      eventually("a's marker of " + deleted, () -> a.sync().get(deleted) == null);

      redis.stop();
      assertThat(await(a.set(k, "mine"))).isTrue();
      assertThat(await(a.set(deleted, "mine too"))).isTrue();
      crash(a);
      redis.start(Persistence.RDB); // from the snapshot: k = v0, deleted = d0
      assertThat(inRedis(k)).isEqualTo("v0");
      StatelessCache a2 = node(builder().offlineQueue(queue).onConflict(conflicts::add));
      await(a2.flush());

      assertThat(conflicts).isEmpty();
      assertThat(inRedis(k)).isEqualTo("mine");
      assertThat(a2.sync().get(k)).isEqualTo("mine");
      assertThat(inRedis(deleted)).isEqualTo("mine too");
    } finally {
      redis.stop();
      redis.start(Persistence.NONE); // empty, as every other test here expects
    }
  }

  /**
   * After Redis came back empty, another node wrote the key: that write is newer than what the
   * queued write replaced, so it is a conflict, reported, and the server's value stays.
   */
  @Test
  void offlineWrite_overAWriteMadeAfterRedisCameBackEmpty_isAConflict() throws Exception {
    Path queue = dir.resolve("a.mv");
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    String k = "hot:after-restart";
    StatelessCache w = node(builder());
    w.sync().set(k, "before");
    StatelessCache a = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    eventually("a's client copy of " + k, () -> readsCopy(a, k, "before"));

    redis.stop();
    assertThat(await(a.set(k, "mine"))).isTrue();
    crash(a);
    redis.start(); // empty
    SyncCache other = node(builder()).sync();
    other.set(k, "theirs");
    StatelessCache a2 = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    await(a2.flush());

    assertThat(inRedis(k)).isEqualTo("theirs");
    assertThat(conflicts).singleElement().satisfies(c -> assertThat(c.key()).isEqualTo(k));
  }

  /**
   * Another node's pattern invalidation deleted the key after the write's base: a newer write (a
   * delete), so the queued write is a conflict, not a resurrection of the key.
   */
  @Test
  void offlineWrite_overAnotherNodesPatternDelete_isAConflict() throws Exception {
    Path queue = dir.resolve("a.mv");
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    String k = "hot:pattern";
    StatelessCache w = node(builder());
    w.sync().set(k, "v0");
    StatelessCache a = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    eventually("a's client copy of " + k, () -> readsCopy(a, k, "v0"));
    assertThat(redis.command("SAVE")).isEqualTo("OK"); // Redis comes back as it is now
    try {
      redis.stop();
      assertThat(await(a.set(k, "mine"))).isTrue();
      crash(a);
      redis.start(Persistence.RDB);
      node(builder()).sync().invalidatePattern("hot:*");
      assertThat(inRedis(k)).isNull();

      StatelessCache a2 = node(builder().offlineQueue(queue).onConflict(conflicts::add));
      await(a2.flush());

      assertThat(inRedis(k)).isNull();
      assertThat(conflicts).singleElement().satisfies(c -> assertThat(c.key()).isEqualTo(k));
    } finally {
      redis.stop();
      redis.start(Persistence.NONE);
    }
  }

  private static boolean readsCopy(StatelessCache c, String k, String v) {
    return v.equals(c.sync().get(k)) && v.equals(c.sync().layer(CacheLayer.CLIENT).get(k));
  }

  @Test
  void blindOfflineWrite_isAppliedOverAnotherNodesWrite() throws Exception {
    Path queue = dir.resolve("a.mv");
    String k = "hot:blind";
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    StatelessCache a = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    redis.stop();
    a.sync().set(k, "blind"); // this node knew nothing of the key: base "?"
    crash(a);
    redis.start();
    SyncCache other = node(builder()).sync();
    other.set(k, "other");
    other.flush();
    assertThat(inRedis(k)).isEqualTo("other");

    StatelessCache a2 = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    await(a2.flush());

    assertThat(inRedis(k)).isEqualTo("blind");
    assertThat(conflicts).isEmpty();
    assertThat(a2.sync().get(k)).isEqualTo("blind");
  }

  @Test
  void setsAndDeletesOfOneKey_queuedOffline_applyInOrder() throws Exception {
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    StatelessCache a = node(builder().offlineQueue(dir.resolve("a.mv")).onConflict(conflicts::add));
    redis.stop();
    SyncCache s = a.sync();
    s.set("hot:gone", "a");
    assertThat(s.del("hot:gone")).isTrue(); // the client layer held a value
    s.set("hot:back", "x");
    s.del("hot:back");
    assertThat(s.get("hot:back")).isNull();
    s.set("hot:back", "y");
    assertThat(s.get("hot:gone")).isNull();
    assertThat(s.get("hot:back")).isEqualTo("y");
    assertThat(a.pendingWrites()).isEqualTo(5);

    redis.start();
    s.flush();

    assertThat(a.pendingWrites()).isZero();
    assertThat(redis.command("EXISTS", "hot:gone")).isEqualTo("0");
    assertThat(inRedis("hot:back")).isEqualTo("y");
    assertThat(conflicts).isEmpty();
    List<String[]> events = queuedEvents();
    assertThat(events)
        .extracting(e -> e[1] + "#" + e[0])
        .containsExactly("hot:gone#1", "hot:gone#2", "hot:back#3", "hot:back#4", "hot:back#5");
    assertThat(s.get("hot:gone")).isNull();
    assertThat(s.get("hot:back")).isEqualTo("y");
  }

  @Test
  void inMemoryQueue_drainsAfterARedisOutage() throws Exception {
    StatelessCache a = node(builder());
    redis.stop();
    List<CompletableFuture<Boolean>> writes = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      writes.add(a.set(key(i), value(i)));
    }
    for (CompletableFuture<Boolean> w : writes) {
      assertThat(await(w)).isTrue();
    }
    assertThat(a.sync().get(key(999))).isEqualTo(value(999));
    redis.start();
    await(a.flush());

    assertThat(a.pendingWrites()).isZero();
    for (int i = 1000 - KEYS; i < 1000; i++) {
      assertThat(inRedis(key(i))).isEqualTo(value(i));
    }
    assertThat(redis.command("HGET", SEQUENCE, RedisKeys.SEQUENCE_FIELD)).isEqualTo("1000");
  }

  @Test
  void flush_onAClosedCache_fails() {
    StatelessCache a = node(builder());
    a.close();
    assertThat(a.flush()).isCompletedExceptionally();
    try {
      a.sync().flush();
      throw new AssertionError("flush on a closed cache returned");
    } catch (StatelessException e) {
      assertThat(e.getMessage()).contains("SL105");
    }
  }

  @Test
  void negativeCaching_aWriteOverAnAbsentMarker_isQueuedAsKnownAbsent() throws Exception {
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    StatelessCache a =
        node(builder().negativeCaching(Duration.ofMinutes(1)).onConflict(conflicts::add));
    String k = "hot:n";
    assertThat(a.sync().get(k)).isNull(); // leaves an "absent" marker in the client layer
    assertThat(await(a.set(k, "v"))).isTrue();
    assertThat(a.sync().get(k)).isEqualTo("v");
    a.sync().flush();
    assertThat(inRedis(k)).isEqualTo("v");
    assertThat(conflicts).isEmpty();
    assertThat(a.sync().get(k)).isEqualTo("v");

    // Known absent: a value written meanwhile (unannounced, so the marker stays) is a conflict.
    String k2 = "hot:n2";
    assertThat(a.sync().get(k2)).isNull();
    redis.command("SET", k2, "theirs");
    assertThat(await(a.set(k2, "mine"))).isTrue();
    a.sync().flush();
    assertThat(inRedis(k2)).isEqualTo("theirs");
    assertThat(conflicts).extracting(OfflineConflict::key).containsExactly(k2);
    assertThat(conflicts.get(0).serverValue()).isEqualTo("theirs");
  }

  @Test
  void clientFirstDeleteOfAStreamedValue_dropsItsChunks() throws Exception {
    StatelessCache a = node(queueNode());
    a.sync().setStream("reel:1", new java.io.ByteArrayInputStream(new byte[5000]));
    assertThat(redis.command("KEYS", RedisKeys.CHUNK_GLOB)).isNotBlank();
    boolean had = await(a.del("reel:1"));
    a.sync().flush();
    assertThat(redis.command("EXISTS", "reel:1")).isEqualTo("0");
    // Gone, or going: chunks a reader may still be streaming expire.
    for (String chunk : redis.command("KEYS", RedisKeys.CHUNK_GLOB).split("\n")) {
      if (!chunk.isBlank()) {
        assertThat(redis.command("PTTL", chunk)).as(chunk).isNotEqualTo("-1");
      }
    }
    assertThat(had).isTrue(); // the owner's answer, not the client layer's
  }

  /** A client copy of {@code k} on {@code c} holding {@code v}, read from Redis. */
  private static void readCopy(StatelessCache c, String k, String v) {
    eventually(
        "a client copy of " + k,
        () -> v.equals(c.sync().get(k)) && c.sync().layer(CacheLayer.CLIENT).get(k) != null);
  }

  @Test
  void conflictWhoseReplyWasLost_isReportedAfterTheRestart() throws Exception {
    Path queue = dir.resolve("a.mv");
    String k = "hot:lost";
    List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();
    redis.command("SET", k, "v0");
    StatelessCache a = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    readCopy(a, k, "v0");
    a.engine().offline().current().loseRepliesForTest = true;
    redis.command("SET", k, "theirs"); // another writer; unannounced, so the copy stays
    assertThat(await(a.set(k, "mine"))).isTrue();
    // Redis refused the record (its number is consumed) but the node never saw the reply.
    eventually(
        "the record sent",
        () -> "1".equals(redis.command("HVALS", RedisKeys.queues(RedisKeys.STANDALONE))));
    crash(a);
    assertThat(conflicts).isEmpty();

    StatelessCache a2 = node(builder().offlineQueue(queue).onConflict(conflicts::add));
    await(a2.flush());

    assertThat(conflicts).hasSize(1);
    assertThat(conflicts.get(0).localValue()).isEqualTo("mine");
    assertThat(conflicts.get(0).serverValue()).isEqualTo("theirs");
    assertThat(inRedis(k)).isEqualTo("theirs");
    assertThat(a2.sync().get(k)).isEqualTo("theirs");
    eventually(
        "the reported conflict forgotten",
        () -> redis.command("KEYS", RedisKeys.queueConflicts(RedisKeys.STANDALONE, "*")).isBlank());
  }

  @Test
  void appliedWriteWhoseReplyWasLost_dropsItsDependentsAfterTheRestart() throws Exception {
    Path queue = dir.resolve("a.mv");
    StatelessCache a = node(queueNode().offlineQueue(queue));
    a.sync().set("dep:1", "derived");
    a.engine().offline().current().loseRepliesForTest = true;
    assertThat(await(a.set("lead:1", "x"))).isTrue();
    eventually(
        "the record applied",
        () -> "1".equals(redis.command("HVALS", RedisKeys.queues(RedisKeys.STANDALONE))));
    crash(a);
    assertThat(redis.command("EXISTS", "dep:1")).isEqualTo("1");

    StatelessCache a2 = node(queueNode().offlineQueue(queue));
    await(a2.flush());

    assertThat(a2.engine().offline().current().skipped.sum()).isEqualTo(1);
    assertThat(inRedis("lead:1")).isEqualTo("x");
    eventually("the dependent dropped", () -> "0".equals(redis.command("EXISTS", "dep:1")));
  }

  @Test
  void negativeCacheMarker_neverReplacesAQueuedWrite() throws Exception {
    StatelessCache a =
        node(builder().offlineQueue(dir.resolve("a.mv")).negativeCaching(Duration.ofMinutes(1)));
    String k = "hot:queued";
    OfflineWrites o = a.engine().offline().current();
    o.pausedForTest = true;
    assertThat(await(a.set(k, "v"))).isTrue();
    var client = a.engine().routes().route(k).regions[CacheLayer.CLIENT.ordinal()];
    client.invalidate(k); // as if evicted
    assertThat(a.sync().get(k)).isNull(); // read from Redis, which has not got the write yet
    assertThat(client.get(k)).as("an absent marker").isNull();
    o.pausedForTest = false;
    a.sync().flush();

    assertThat(inRedis(k)).isEqualTo("v");
    assertThat(a.sync().get(k)).isEqualTo("v");
  }

  @Test
  void aKeyOver64KB_isQueuedAndDrained() throws Exception {
    Path queue = dir.resolve("a.mv");
    StatelessCache a = node(builder().offlineQueue(queue));
    String k = "hot:" + "x".repeat(70_000);
    redis.stop();
    assertThat(await(a.set(k, "big"))).isTrue();
    crash(a);
    redis.start();
    StatelessCache a2 = node(builder().offlineQueue(queue));
    await(a2.flush());
    assertThat(inRedis(k)).isEqualTo("big");
  }

  @Test
  void aQueueFileInUse_isSL105() {
    Path queue = dir.resolve("a.mv");
    node(builder().offlineQueue(queue));
    try {
      node(builder().offlineQueue(queue));
      throw new AssertionError("a second cache opened the same queue file");
    } catch (StatelessException e) {
      assertThat(e.code()).isEqualTo("SL105");
      assertThat(e.getMessage()).contains(queue.toString(), "help:");
    }
  }

  @Test
  void aQueueWhoseOwnerLeftRedis_failsTheDrainWithSL105() throws Exception {
    Path queue = dir.resolve("a.mv");
    StatelessCache a = node(builder().offlineQueue(queue));
    redis.stop();
    assertThat(await(a.set("hot:moved", "v"))).isTrue();
    crash(a);
    redis.start();
    StatelessCache a2 =
        node(
            StatelessCache.builder()
                .manifest(TestManifest.class)
                .server(Stores.inProcess())
                .offlineQueue(queue));
    OfflineWrites o = a2.engine().offline().current();
    eventually("a drain failure", () -> o.lastFailure != null);
    assertThat(o.lastFailure).isInstanceOf(StatelessException.class);
    assertThat(((StatelessException) o.lastFailure).code()).isEqualTo("SL105");
    assertThat(o.lastFailure.getMessage()).contains("hot:moved", "help:");
    assertThat(a2.pendingWrites()).isEqualTo(1);
  }

  private static void assertSL105(CompletableFuture<?> f, String... text) {
    try {
      await(f);
      throw new AssertionError("completed");
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StatelessException.class);
      assertThat(((StatelessException) e.getCause()).code()).isEqualTo("SL105");
      assertThat(e.getCause().getMessage()).contains(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFailedCommit_endsTheQueue_andTheFailedWriteNeverReachesRedis() throws Exception {
    Path queue = dir.resolve("a.mv");
    StatelessCache a = node(builder().offlineQueue(queue));
    assertThat(await(a.set("hot:before", "kept"))).isTrue();
    OfflineQueue q = a.engine().offline().current().queue();
    q.failCommitForTest = true;
    assertSL105(a.set("hot:failed", "lost"), "could not commit", "restart");
    q.failCommitForTest = false;
    assertSL105(a.set("hot:retried", "later"), "could not commit"); // nothing more is queued
    assertSL105(a.flush(), "could not commit");
    assertThat(a.sync().get("hot:failed")).isNull(); // not served: it will never be applied
    crash(a);

    StatelessCache a2 = node(builder().offlineQueue(queue));
    await(a2.flush());
    assertThat(inRedis("hot:before")).isEqualTo("kept");
    assertThat(redis.command("EXISTS", "hot:failed")).isEqualTo("0");
    assertThat(redis.command("EXISTS", "hot:retried")).isEqualTo("0");
    assertThat(a2.sync().get("hot:failed")).isNull();
  }
}
