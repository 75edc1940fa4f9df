package dev.stateless.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.SetOptions;
import dev.stateless.internal.OfflineQueue;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wire format in one place: the scripts load from their resources, and every write script
 * appends an event that {@link InvalidationEvent} parses, with only the fields it declares.
 */
class RedisWireFormatIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private final List<RedisStore> open = new ArrayList<>();

  @BeforeEach
  void clean() {
    redis.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(RedisStore::close);
  }

  private RedisStore store(String node) {
    RedisStore s = new RedisStore(redis.uri());
    open.add(s);
    s.connect(node, null, List.of("users"), Set.of(), false);
    return s;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The entries of a stream, as the reader gets them. */
  private static List<StreamMessage<String, byte[]>> entries(String stream) {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, byte[]> c =
        client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
      return c.sync().xrange(stream, Range.create("-", "+"));
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** A key's version ({@code fragments/version.lua}) in the shard's versions hash, or null. */
  private static String version(String owner, String key) {
    return redis.command("HGET", RedisKeys.versions(RedisKeys.STANDALONE), key);
  }

  @Test
  void everyWrite_givesTheKeyAGrowingVersion_andADeleteKeepsItsAsATombstone() throws Exception {
    RedisStore s = store("n1");
    long first = s.set("user:1", "users", bytes("a"), 0, SetOptions.Condition.ALWAYS).get();
    assertThat(first).isPositive();
    assertThat(version("users", "user:1")).isEqualTo(Long.toString(first));
    // the server's clock in microseconds: within a minute of this machine's
    assertThat(Math.abs(first - System.currentTimeMillis() * 1000)).isLessThan(60_000_000L);
    long second = s.set("user:1", "users", bytes("b"), 0, SetOptions.Condition.ALWAYS).get();
    assertThat(second).isGreaterThan(first);
    assertThat(s.set("user:1", "users", bytes("c"), 0, SetOptions.Condition.IF_ABSENT).get())
        .as("a set the condition refused: no version")
        .isZero();
    assertThat(s.getWithTtl("user:1", "users").get().version()).isEqualTo(second);

    s.incrBy("user:n", "users", 1, Long.MIN_VALUE, Long.MAX_VALUE).get();
    assertThat(version("users", "user:n")).isNotNull();
    s.del("user:1", "users").get();
    long tombstone = Long.parseLong(version("users", "user:1"));
    assertThat(tombstone).isGreaterThan(second);
    assertThat(s.getWithTtl("user:1", "users").get().version()).isEqualTo(tombstone);
    assertThat(
            Double.parseDouble(
                redis.command(
                    "ZSCORE", RedisKeys.expiries(RedisKeys.STANDALONE, "users"), "user:1")))
        .as("the tombstone's sweep time")
        .isGreaterThan(tombstone / 1000.0 + RedisKeys.TOMBSTONE_MILLIS - 1);

    // a streamed value's delete is a delete too
    s.set("user:s", "users", bytes("pointer"), 0, SetOptions.Condition.ALWAYS).get();
    long streamed = Long.parseLong(version("users", "user:s"));
    s.delStreamed("user:s", "users").get();
    assertThat(Long.parseLong(version("users", "user:s"))).isGreaterThan(streamed);

    // an older version than the key had (a clock that went back) still grows
    redis.command("HSET", RedisKeys.versions(RedisKeys.STANDALONE), "user:2", "9000000000000000");
    long after = s.set("user:2", "users", bytes("x"), 0, SetOptions.Condition.ALWAYS).get();
    assertThat(after).isEqualTo(9000000000000001L);
  }

  @Test
  void everyScript_loadsWithoutItsHeader_andWithEveryPlaceholderReplaced() {
    assertThat(RedisScripts.ALL).hasSize(20).doesNotHaveDuplicates();
    assertThat(RedisScripts.ALL).containsAll(RedisScripts.WRITES);
    for (Script s : RedisScripts.ALL) {
      assertThat(s.text()).as(s.name()).doesNotStartWith("--").doesNotContain("${").endsWith("\n");
      assertThat(s.sha()).as(s.name()).matches("[0-9a-f]{40}");
    }
  }

  @Test
  void everyWriteScript_appendsAnEventTheReaderParses_withOnlyTheDeclaredFields() {
    RedisStore s = store("node-a");
    String version = "v1";
    s.setChunk("user:5", version, 0, bytes("chunk"), 60_000).join();
    byte[] pointer = bytes("\0S1 " + version + " 1 5");

    s.set("user:1", "users", bytes("a"), 0, SetOptions.Condition.ALWAYS).join(); // set.lua
    s.expire("user:1", "users", 60_000).join(); // pexpire.lua
    s.incrBy("user:n", "users", 5, Long.MIN_VALUE, Long.MAX_VALUE).join(); // incrby.lua
    s.compareAndSet("user:1", "users", null, bytes("a"), bytes("b"), 0, true).join(); // cas
    s.batch( // batch.lua
            List.of("user:2", "user:3"),
            List.of("users", "users"),
            Arrays.asList(bytes("c"), null),
            new long[] {0, 0})
        .join();
    s.applyQueued( // apply-queued.lua
            new OfflineQueue.QueuedWrite(1, (byte) 's', "user:4", "users", bytes("d"), 0, "?"),
            "queue-1",
            0)
        .join();
    s.swapStream("user:5", "users", pointer, 0, version, 1).join(); // stream-swap.lua
    s.delStreamed("user:5", "users").join(); // stream-del.lua
    s.del("user:1", "users").join(); // del.lua
    s.publishPattern("users", "user:*").join(); // publish-pattern.lua

    List<StreamMessage<String, byte[]>> entries = entries(RedisKeys.log(RedisKeys.STANDALONE));
    List<String> subjects = new ArrayList<>();
    long seq = 0;
    for (StreamMessage<String, byte[]> m : entries) {
      assertThat(m.getBody().keySet())
          .isSubsetOf(
              Set.of(
                  InvalidationEvent.SEQ,
                  InvalidationEvent.NODE,
                  InvalidationEvent.OWNER,
                  InvalidationEvent.KEY,
                  InvalidationEvent.PATTERN,
                  InvalidationEvent.QUEUED));
      InvalidationEvent e = InvalidationEvent.parse(m.getBody());
      assertThat(e.seq()).isEqualTo(++seq);
      assertThat(e.owner()).isEqualTo("users");
      assertThat(e.writtenBy("node-a")).isTrue();
      subjects.add(
          e.kind() + " " + (e.kind() == InvalidationEvent.Kind.KEY ? e.key() : e.pattern()));
    }
    assertThat(subjects)
        .containsExactly(
            "KEY user:1",
            "KEY user:1",
            "KEY user:n",
            "KEY user:1",
            "KEY user:2",
            "KEY user:3",
            "KEY user:4",
            "KEY user:5",
            "KEY user:5",
            "KEY user:1",
            "PATTERN user:*");
    assertThat(
            new String(
                entries.get(6).getBody().get(InvalidationEvent.QUEUED), StandardCharsets.UTF_8))
        .isEqualTo("1");
    assertThat(
            redis.command(
                "HGET", RedisKeys.sequence(RedisKeys.STANDALONE), RedisKeys.SEQUENCE_FIELD))
        .isEqualTo(Long.toString(seq));
  }

  /**
   * Sets issued together (without waiting) go out as one script per owner and flush, with one event
   * listing their keys and owners; each set still gets its own, growing version.
   */
  @Test
  void setsOfOneFlush_areOneEventListingTheirKeys() {
    RedisStore s = store("node-b");
    List<CompletableFuture<Long>> versions = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String key = (i % 2 == 0 ? "user:" : "free:") + i;
      keys.add(key);
      versions.add(
          s.set(key, i % 2 == 0 ? "users" : null, bytes("v" + i), 0, SetOptions.Condition.ALWAYS));
    }
    for (int i = 0; i < keys.size(); i++) {
      assertThat(versions.get(i).join()).isPositive();
      assertThat(redis.command("GET", keys.get(i))).isEqualTo("v" + i);
    }
    List<StreamMessage<String, byte[]>> entries = entries(RedisKeys.log(RedisKeys.STANDALONE));
    List<String> listed = new ArrayList<>();
    for (StreamMessage<String, byte[]> m : entries) {
      InvalidationEvent e = InvalidationEvent.parse(m.getBody());
      if (e.kind() == InvalidationEvent.Kind.KEY) {
        listed.add(e.owner() + " " + e.key());
      } else {
        assertThat(e.kind()).isEqualTo(InvalidationEvent.Kind.KEYS);
        for (InvalidationEvent.Written w : e.written()) {
          listed.add(w.owner() + " " + w.key());
        }
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      expected.add((i % 2 == 0 ? "users" : null) + " " + keys.get(i));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(entries.size()).as("events for 200 sets issued together").isLessThan(200);
  }

  /**
   * A key set several times in one flush, with and without an expiry and among other keys, ends
   * with its last value and expiry; its versions grow with each set, all distinct; its events come
   * in the order of its sets.
   */
  @Test
  void aKeySetSeveralTimesInOneFlush_keepsTheOrderOfItsSets() {
    RedisStore s = store("node-c");
    List<CompletableFuture<Long>> versions = new ArrayList<>();
    List<String> expectedOrder = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 5; i++) {
        versions.add(
            s.set("user:" + i, "users", bytes("r" + round), 0, SetOptions.Condition.ALWAYS));
      }
      // the same key, expiring in odd rounds: it moves between set-many's groups
      long px = round % 2 == 1 ? 60_000 : 0;
      versions.add(s.set("user:x", "users", bytes("x" + round), px, SetOptions.Condition.ALWAYS));
      expectedOrder.add("user:x");
    }
    versions.add(s.set("user:x", "users", bytes("last"), 90_000, SetOptions.Condition.ALWAYS));
    expectedOrder.add("user:x");
    List<Long> xs = new ArrayList<>();
    for (int i = 5; i < versions.size(); i += 6) {
      xs.add(versions.get(i).join());
    }
    xs.add(versions.get(versions.size() - 1).join());
    assertThat(xs).doesNotHaveDuplicates().isSorted();
    assertThat(redis.command("GET", "user:x")).isEqualTo("last");
    assertThat(Long.parseLong(redis.command("PTTL", "user:x"))).isBetween(60_001L, 90_000L);
    assertThat(redis.command("GET", "user:3")).isEqualTo("r2");
    assertThat(Long.parseLong(redis.command("PTTL", "user:3"))).isEqualTo(-1L);
    assertThat(versions.stream().map(CompletableFuture::join).toList()).doesNotHaveDuplicates();
    List<String> xEvents = new ArrayList<>();
    for (StreamMessage<String, byte[]> m : entries(RedisKeys.log(RedisKeys.STANDALONE))) {
      InvalidationEvent e = InvalidationEvent.parse(m.getBody());
      List<InvalidationEvent.Written> written =
          e.kind() == InvalidationEvent.Kind.KEY
              ? List.of(new InvalidationEvent.Written(e.owner(), e.key()))
              : e.written();
      for (InvalidationEvent.Written w : written) {
        assertThat(w.owner()).isEqualTo("users");
        if (w.key().equals("user:x")) {
          xEvents.add(w.key());
        }
      }
    }
    assertThat(xEvents).isEqualTo(expectedOrder);
    assertThat(redis.command("HGET", RedisKeys.versions(RedisKeys.STANDALONE), "user:x"))
        .isEqualTo(Long.toString(xs.get(xs.size() - 1)));
  }

  /**
   * Gets issued among sets (without waiting) read what the sets before them wrote and nothing a
   * later set wrote: held gets and sets go out in the order they were made.
   */
  @Test
  void getsAmongSetsOfOneFlush_readWhatTheSetsBeforeThemWrote() {
    RedisStore s = store("node-d");
    List<CompletableFuture<byte[]>> reads = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      s.set("user:g", "users", bytes("v" + i), 0, SetOptions.Condition.ALWAYS);
      s.set("user:h" + i, "users", bytes("h" + i), 0, SetOptions.Condition.ALWAYS);
      reads.add(s.get("user:g"));
      reads.add(s.get("user:h" + i));
      reads.add(s.get("user:none" + i));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(reads.get(3 * i).join()).asString(StandardCharsets.UTF_8).isEqualTo("v" + i);
      assertThat(reads.get(3 * i + 1).join()).asString(StandardCharsets.UTF_8).isEqualTo("h" + i);
      assertThat(reads.get(3 * i + 2).join()).isNull();
    }
  }

  /**
   * A store bound without a listener (its node has no layer nearer than Redis) still appends every
   * write's event, for the other nodes' copies: publishes() must say so, or the engine neither
   * counts those events nor sends pattern events.
   */
  @Test
  void publishes_isTrueForAStoreBoundWithoutAListener_whoseWritesStillAppendEvents() {
    RedisStore s = store("backend");
    s.set("user:1", "users", bytes("a"), 0, SetOptions.Condition.ALWAYS).join();
    assertThat(entries(RedisKeys.log(RedisKeys.STANDALONE))).hasSize(1);
    assertThat(s.publishes()).isTrue();
  }

  @Test
  void anEntryWithoutANumber_isNotAnEvent() {
    assertThat(InvalidationEvent.parse(Map.of(InvalidationEvent.SEQ, bytes("3"))).kind())
        .isEqualTo(InvalidationEvent.Kind.UNKNOWN);
    assertThatThrownBy(() -> InvalidationEvent.parse(Map.of("x", bytes("1"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
