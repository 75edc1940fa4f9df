package dev.stateless.faults;

import dev.stateless.OfflineConflict;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.StatelessException;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisDeployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Nodes (caches in this JVM, each with its own in-process client and edge layers and a durable
 * offline queue, sharing one Redis: a redis-server or a Sentinel deployment) under a load of
 * writers and readers, and the check after the fault: what Redis holds against the {@link Ledger},
 * and every node's views of every key against Redis.
 *
 * <p>Each node writes only its own keys, one write at a time, so a key's writes are ordered: owner
 * writes to {@code user:<node>:<i>}, {@code CLIENT_FIRST} writes to {@code hot:<node>:<i>}, {@code
 * increment} and {@code atomicUpdate} of one counter each per epoch. Readers read every node's
 * keys, so copies of them sit in both in-process layers of every node.
 */
final class TwoNodeLoad implements AutoCloseable {
  static final int USER_KEYS = 16;
  static final int HOT_KEYS = 8;

  /** One application node. */
  static final class Node implements AutoCloseable {
    final String name;
    final StatelessCache cache;
    final List<OfflineConflict> conflicts = new CopyOnWriteArrayList<>();

    Node(String name, StatelessCache.Builder builder) {
      this.name = name;
      this.cache = builder.onConflict(conflicts::add).build();
    }

    SyncCache sync() {
      return cache.sync();
    }

    List<String> userKeys() {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < USER_KEYS; i++) {
        keys.add("user:" + name + ":" + i);
      }
      return keys;
    }

    List<String> hotKeys() {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < HOT_KEYS; i++) {
        keys.add("hot:" + name + ":" + i);
      }
      return keys;
    }

    @Override
    public void close() {
      cache.close();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final RedisDeployment redis;
  private final Path dir;
  private final Ledger ledger;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Throwable> crashes = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean running;
  private volatile int epoch;

  TwoNodeLoad(RedisDeployment redis, Path dir, Ledger ledger) {
    this.redis = redis;
    this.dir = dir;
    this.ledger = ledger;
  }

  /** A node with the fault manifest, Redis as its server layer and a queue file of its own. */
  Node node(String name) {
    Node n =
        new Node(
            name,
            FaultSuite.node(FaultSuite.uri(redis)).offlineQueue(dir.resolve(name + ".queue")));
    nodes.add(n);
    return n;
  }

  /** From now on, counters are incremented under the next epoch's keys. */
  void nextEpoch() {
    epoch++;
  }

  private static String counter(Node n, String kind, int epoch) {
    return "count:" + n.name + ":" + kind + ":" + epoch;
  }

  /**
   * Every writer writes each of its keys once and every reader reads every key: copies everywhere
   * before the load starts.
   */
  void warmUp(List<Node> writers, List<Node> readers) {
    for (Node w : writers) {
      for (String k : w.userKeys()) {
        String v = next(w);
        ledger.write(k, v, Ledger.Kind.OWNER, () -> w.cache.set(k, v));
      }
      for (String k : w.hotKeys()) {
        String v = next(w);
        ledger.write(k, v, Ledger.Kind.CLIENT_FIRST, () -> w.cache.set(k, v));
      }
    }
    for (Node w : writers) {
      w.sync().flush();
    }
    for (Node r : readers) {
      for (String k : keysOf(writers)) {
        ledger.call("get " + k, () -> r.cache.get(k));
      }
    }
  }

  private String next(Node n) {
    return n.name + "-" + sequence.incrementAndGet();
  }

  private static List<String> keysOf(List<Node> writers) {
    List<String> keys = new ArrayList<>();
    for (Node w : writers) {
      keys.addAll(w.userKeys());
      keys.addAll(w.hotKeys());
    }
    return keys;
  }

  /**
   * Starts one writer thread per writer node and one reader thread per reader node; each pauses
   * {@code pace} between calls.
   */
  void start(List<Node> writers, List<Node> readers, Duration pace, long seed) {
    running = true;
    List<String> readable = keysOf(writers);
    Random seeds = new Random(seed);
    for (Node w : writers) {
      threads.add(thread("writer-" + w, () -> writeLoop(w, pace)));
    }
    for (Node r : readers) {
      long readerSeed = seeds.nextLong();
      threads.add(thread("reader-" + r, () -> readLoop(r, readable, pace, readerSeed)));
    }
    threads.forEach(Thread::start);
  }

  private Thread thread(String name, Runnable body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                crashes.add(e);
              }
            },
            "fault-load-" + name);
    t.setDaemon(true);
    return t;
  }

  private void writeLoop(Node n, Duration pace) {
    List<String> users = n.userKeys();
    List<String> hot = n.hotKeys();
    for (long i = 0; running; i++) {
      switch ((int) (i % 4)) {
        case 0 -> {
          String k = users.get((int) (i / 4 % users.size()));
          String v = next(n);
          ledger.write(k, v, Ledger.Kind.OWNER, () -> n.cache.set(k, v));
        }
        case 1 -> {
          String k = hot.get((int) (i / 4 % hot.size()));
          String v = next(n);
          ledger.write(k, v, Ledger.Kind.CLIENT_FIRST, () -> n.cache.set(k, v));
        }
        case 2 -> {
          int e = epoch;
          String k = counter(n, "incr", e);
          ledger.increment(k, e, () -> n.cache.increment(k, 1));
        }
        default -> {
          int e = epoch;
          String k = counter(n, "cas", e);
          ledger.increment(k, e, () -> n.cache.<Long>atomicUpdate(k, c -> c == null ? 1L : c + 1));
        }
      }
      LockSupport.parkNanos(pace.toNanos());
    }
  }

  private void readLoop(Node n, List<String> keys, Duration pace, long seed) {
    Random r = new Random(seed);
    while (running) {
      String k = keys.get(r.nextInt(keys.size()));
      ledger.call("get " + k, () -> n.cache.get(k));
      LockSupport.parkNanos(pace.toNanos());
    }
  }

  /** Stops the load and waits for its threads (each waits no longer than a hang for a call). */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      if (t.isAlive()) {
        ledger.hangs.increment();
        ledger.detail("load thread " + t.getName() + " still running 30 s after stop");
      }
    }
    threads.clear();
    if (!crashes.isEmpty()) {
      AssertionError e = new AssertionError("a load thread failed");
      crashes.forEach(e::addSuppressed);
      throw e;
    }
  }

  /** What Redis holds for {@code key}: the text itself, as any client reads it. */
  static @Nullable String inRedis(RedisDeployment redis, String key) {
    return redis.command("GET", key);
  }

  /**
   * After the fault and the recovery: stops the load, waits until every node reaches Redis again
   * and has drained its queue, then counts. Lost and duplicated: Redis against the ledger ({@code
   * mustSurvive}: which acknowledged writes the fault may not forget; {@code counted}: which
   * epochs' counters must be exact). Stale: every node's {@code get}, client copy and edge copy of
   * every key against Redis, read until they all agree or {@code settle} passes.
   */
  FaultTable.Row verify(
      Predicate<Ledger.Write> mustSurvive, IntPredicate counted, Duration settle, long startNanos)
      throws InterruptedException {
    stop();
    drain();
    Map<String, @Nullable String> truth = truth();
    long conflicts = 0;
    long discarded = 0;
    for (Node n : nodes) {
      conflicts += n.conflicts.size();
      discarded += ledger.discardedByConflicts(n.name, n.conflicts);
      for (OfflineConflict c : n.conflicts.subList(0, Math.min(2, n.conflicts.size()))) {
        ledger.detail("conflict reported on " + n + ": " + c);
      }
    }
    long lost = discarded + ledger.lostWrites(truth, mustSurvive);
    List<AppliedRecords.Applied> applied = AppliedRecords.of(redis, "hot");
    long duplicatedRecords = AppliedRecords.duplicates(applied);
    long[] counters = ledger.counterFigures(counterValues(), counted);
    long stale = staleViews(truth, settle);
    String notes =
        ledger.marks()
            + ", verified at "
            + ledger.sinceStart(System.nanoTime())
            + " ms; conflicts reported: "
            + conflicts
            + " ("
            + discarded
            + " acknowledged writes discarded though no other node wrote their key); "
            + applied.size()
            + " queued records applied, "
            + duplicatedRecords
            + " twice; failures: "
            + ledger.failures()
            + (ledger.details().isEmpty() ? "" : "; " + String.join("; ", ledger.details()));
    return new FaultTable.Row(
        ledger.fault,
        ledger.operations.sum(),
        stale,
        lost + counters[0],
        counters[1] + duplicatedRecords,
        ledger.hangs.sum(),
        ledger.pastTimeout.sum(),
        ledger.failed.sum(),
        ledger.uncoded.sum(),
        ledger.uncertain(),
        Duration.ofNanos(System.nanoTime() - startNanos),
        notes);
  }

  /** Waits until every node reaches Redis again and has drained its queue (a hang is counted). */
  void drain() throws InterruptedException {
    Await.until(
        "every node reaches Redis again",
        Duration.ofSeconds(20),
        () -> nodes.stream().allMatch(TwoNodeLoad::reachesRedis));
    for (Node n : nodes) {
      CompletableFuture<Void> flushed = n.cache.flush();
      try {
        flushed.get(20, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        ledger.hangs.increment();
        ledger.detail("hang: flush() of " + n + " not done 20 s after Redis came back");
      } catch (java.util.concurrent.ExecutionException e) {
        ledger.detail("flush() of " + n + " failed: " + e.getCause());
      }
    }
  }

  /** What Redis holds now for every key the ledger wrote. */
  Map<String, @Nullable String> truth() {
    Map<String, @Nullable String> truth = new LinkedHashMap<>();
    for (String k : new java.util.TreeSet<>(ledger.keys())) {
      truth.put(k, inRedis(redis, k));
    }
    return truth;
  }

  /** Every counter's value in Redis now (0: absent). */
  Map<String, Long> counterValues() {
    Map<String, Long> finals = new HashMap<>();
    for (Ledger.Counter c : ledger.counters()) {
      String v = inRedis(redis, c.key);
      finals.put(c.key, v == null ? 0L : Long.parseLong(v));
    }
    return finals;
  }

  private static boolean reachesRedis(Node n) {
    try {
      n.sync().get("user:probe");
      return true;
    } catch (StatelessException e) {
      return false;
    }
  }

  /**
   * Reads every node's views of every key until all agree with Redis or {@code settle} passes;
   * returns how many (node, key, view) disagree then.
   */
  private long staleViews(Map<String, @Nullable String> truth, Duration settle) {
    Map<String, String> disagreeing = Await.value(() -> disagreements(truth), Map::isEmpty, settle);
    int shown = 0;
    for (Map.Entry<String, String> e : disagreeing.entrySet()) {
      if (shown++ < 8) {
        ledger.detail("stale: " + e.getKey() + " " + e.getValue());
      }
    }
    return disagreeing.size();
  }

  private Map<String, String> disagreements(Map<String, @Nullable String> truth) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Node n : nodes) {
      for (Map.Entry<String, @Nullable String> e : truth.entrySet()) {
        String k = e.getKey();
        String held = e.getValue();
        Object got = read(n.sync(), k);
        if (!Objects.equals(got, held)) {
          out.put(n + " get(" + k + ")", "= " + got + ", Redis holds " + held + views(n, k));
          continue;
        }
        for (CacheLayer layer : List.of(CacheLayer.CLIENT, CacheLayer.EDGE)) {
          Object copy = read(n.sync().layer(layer), k);
          if (copy != null && !Objects.equals(copy, held)) {
            out.put(n + " " + layer + " copy of " + k, "= " + copy + ", Redis holds " + held);
          }
        }
      }
    }
    return out;
  }

  private static String views(Node n, String k) {
    return " (client copy "
        + read(n.sync().layer(CacheLayer.CLIENT), k)
        + ", edge copy "
        + read(n.sync().layer(CacheLayer.EDGE), k)
        + ")";
  }

  /** A view's answer; a failure (not reachable, copies not trusted yet) as its code. */
  private static @Nullable Object read(SyncCache view, String key) {
    try {
      return view.get(key);
    } catch (StatelessException e) {
      return "<" + e.code() + ">";
    }
  }

  @Override
  public void close() {
    running = false;
    for (Node n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // closing the rest matters more; the scenario reports its own failures
      }
    }
  }
}
