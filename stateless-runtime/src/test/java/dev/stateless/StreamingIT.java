package dev.stateless;

import static dev.stateless.StreamingManifest.BLOB_CHUNK;
import static dev.stateless.StreamingManifest.SMALL_CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Manifest;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.Errors;
import dev.stateless.internal.StreamedValues;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.redis.RedisAdapter;
import dev.stateless.testing.Await;
import dev.stateless.testing.ChildJvm;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;

/** setStream / stream over the in-process server layer and a real redis-server. */
class StreamingIT {
  private static final long SEED = System.nanoTime();
  private final Random random = new Random(SEED);

  @BeforeAll
  static void printSeed() {
    System.out.println("StreamingIT seed " + SEED);
  }

  private StatelessCache cache(StoreContext store) {
    return cache(store, b -> b.manifest(StreamingManifest.class));
  }

  private StatelessCache cache(StoreContext store, Consumer<StatelessCache.Builder> config) {
    return store.build(config);
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String code(Throwable e) {
    return ((StatelessException) e).code();
  }

  /** Chunk keys in Redis, each with its PTTL. */
  private static Map<String, Long> chunkKeys(RedisServerExtension redis) {
    Map<String, Long> out = new java.util.TreeMap<>();
    String cursor = "0";
    do {
      String[] reply =
          redis.command("SCAN", cursor, "MATCH", RedisKeys.CHUNK_GLOB, "COUNT", "1000").split("\n");
      cursor = reply[0];
      for (int i = 1; i < reply.length; i++) {
        if (!reply[i].isEmpty()) {
          out.put(reply[i], Long.parseLong(redis.command("PTTL", reply[i])));
        }
      }
    } while (!cursor.equals("0"));
    return out;
  }

  @StoreMatrix
  void setStream_thenStream_returnsTheSameBytes_atEverySizeAroundTheChunk(StoreContext store) {
    SyncCache c = cache(store).sync();
    int[] sizes = {0, 1, BLOB_CHUNK - 1, BLOB_CHUNK, BLOB_CHUNK + 1, 5 * BLOB_CHUNK + 123};
    for (int size : sizes) {
      byte[] value = bytes(size);
      c.setStream("blob:" + size, new ByteArrayInputStream(value));
      assertThat(readAll(c.stream("blob:" + size))).as("size %s", size).isEqualTo(value);
    }
    if (store.kind() == StoreKind.REDIS) {
      int expected = 0;
      for (int size : sizes) {
        expected += (size + BLOB_CHUNK - 1) / BLOB_CHUNK;
      }
      assertThat(chunkKeys(store.redis()))
          .hasSize(expected)
          .allSatisfy((k, ttl) -> assertThat(ttl).isEqualTo(-1L));
    }
  }

  @StoreMatrix
  void stream_readByteByByte_andInOddSlices_returnsTheSameBytes(StoreContext store)
      throws IOException {
    SyncCache c = cache(store).sync();
    byte[] value = bytes(3 * BLOB_CHUNK + 17);
    c.setStream("blob:odd", new ByteArrayInputStream(value));
    try (InputStream in = c.stream("blob:odd")) {
      byte[] got = new byte[value.length];
      int pos = 0;
      while (pos < 1000) {
        int b = in.read();
        assertThat(b).isNotNegative();
        got[pos++] = (byte) b;
      }
      for (int n; (n = in.read(got, pos, Math.min(777, got.length - pos))) > 0; ) {
        pos += n;
      }
      assertThat(pos).isEqualTo(value.length);
      assertThat(in.read()).isEqualTo(-1);
      assertThat(got).isEqualTo(value);
    }
  }

  /**
   * The stream's future completes off Lettuce's I/O thread, so reading it in a plain {@code
   * thenApply} works (it used to wait for chunk replies only the blocked thread could deliver).
   */
  @StoreMatrix(StoreKind.REDIS)
  void stream_readInThenApply_returnsTheValue(StoreContext store) throws Exception {
    StatelessCache cache = cache(store);
    byte[] value = bytes(10 * BLOB_CHUNK);
    cache.sync().setStream("blob:cb", new ByteArrayInputStream(value));
    for (int i = 0; i < 20; i++) {
      byte[] got =
          cache.stream("blob:cb").thenApply(StreamingIT::readAll).get(30, TimeUnit.SECONDS);
      assertThat(got).isEqualTo(value);
    }
  }

  /** Reading a Redis stream on an I/O (Netty) thread fails at once with SL105 and a help line. */
  @StoreMatrix(StoreKind.REDIS)
  void stream_readOnAnIoThread_failsFastWithSL105(StoreContext store) throws Exception {
    SyncCache c = cache(store).sync();
    c.setStream("blob:io", new ByteArrayInputStream(bytes(3 * BLOB_CHUNK)));
    InputStream in = c.stream("blob:io");
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread io =
        new io.netty.util.concurrent.FastThreadLocalThread(
            () -> {
              try {
                in.read();
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    io.start();
    io.join();
    assertThat(failure.get())
        .isInstanceOf(InvalidStateException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL105"))
        .hasMessageContaining("read streams off Redis's I/O thread: use thenApplyAsync");
    assertThat(readAll(in)).hasSize(3 * BLOB_CHUNK); // the stream still works elsewhere
  }

  @StoreMatrix
  void stream_ofAbsentKey_isNull(StoreContext store) {
    SyncCache c = cache(store).sync();
    assertThat(c.stream("blob:absent")).isNull();
    assertThat(cache(store).stream("blob:absent").join()).isNull();
  }

  @StoreMatrix
  void plainGetAndSet_onAStreamedKey_areSL009_inEveryView(StoreContext store) {
    StatelessCache cache = cache(store);
    cache.sync().setStream("blob:1", new ByteArrayInputStream(bytes(10)));
    List<SyncCache> views =
        List.of(
            cache.sync(),
            cache.layer(CacheLayer.SERVER).sync(),
            cache.component("blobs").sync(),
            cache.withStrategy(Strategy.REDIS_COMPATIBLE).sync());
    for (SyncCache v : views) {
      assertThatThrownBy(() -> v.get("blob:1"))
          .satisfies(e -> assertThat(code(e)).isEqualTo("SL009"));
      assertThatThrownBy(() -> v.set("blob:1", new byte[3]))
          .satisfies(e -> assertThat(code(e)).isEqualTo("SL009"));
    }
    RedisAdapter adapter = new RedisAdapter(cache);
    assertThatThrownBy(() -> adapter.get("blob:1").join())
        .hasCauseInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(code(e.getCause())).isEqualTo("SL009"));
  }

  @StoreMatrix(StoreKind.REDIS)
  void aCacheWithoutTheManifest_readingTheRedisKey_neverGetsThePointerAsTheValue(
      StoreContext store) {
    cache(store).sync().setStream("blob:1", new ByteArrayInputStream(bytes(10)));
    StatelessCache plain = cache(store, b -> b.manifest(Manifest.empty()));
    assertThatThrownBy(() -> plain.sync().get("blob:1"))
        .isInstanceOf(InvalidStateException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL105"))
        .hasMessageContaining("streamed value");
    assertThatThrownBy(() -> new RedisAdapter(plain).get("blob:1").join())
        .hasCauseInstanceOf(InvalidStateException.class);
    assertThatThrownBy(() -> plain.sync().stream("blob:1"))
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL105"))
        .hasMessageContaining("no @Streaming component owns it");
  }

  @StoreMatrix
  void rights_borrowerMayStreamButNotSetStream_andLayerViewsAreChecked(StoreContext store) {
    StatelessCache cache = cache(store);
    byte[] value = bytes(100);
    cache.sync().setStream("blob:r", new ByteArrayInputStream(value));
    SyncCache viewer = cache.component("viewer").sync();
    assertThatThrownBy(() -> viewer.setStream("blob:r", new ByteArrayInputStream(new byte[1])))
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL002"));
    assertThat(readAll(viewer.stream("blob:r"))).isEqualTo(value);
    SyncCache otherOwner = cache.component("clips").sync();
    assertThatThrownBy(() -> otherOwner.setStream("blob:r", new ByteArrayInputStream(new byte[1])))
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL003"));
    assertThatThrownBy(
            () ->
                cache
                    .layer(CacheLayer.EDGE)
                    .sync()
                    .setStream("blob:r", new ByteArrayInputStream(new byte[1])))
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL004"));
    cache.component("blobs").sync().setStream("blob:r", new ByteArrayInputStream(new byte[] {7}));
    assertThat(readAll(cache.layer(CacheLayer.SERVER).sync().stream("blob:r")))
        .isEqualTo(new byte[] {7});
    assertThat(cache.layer(CacheLayer.CLIENT).sync().stream("blob:r")).isNull();
  }

  @StoreMatrix
  void streamAndSetStream_onAKeyWhoseOwnerDoesNotStream_areSL105(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("doc:1", "text");
    assertThatThrownBy(() -> c.setStream("doc:1", new ByteArrayInputStream(new byte[1])))
        .isInstanceOf(InvalidStateException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL105"))
        .hasMessageContaining("help:");
    assertThatThrownBy(() -> c.stream("doc:1"))
        .isInstanceOf(InvalidStateException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL105"));
    assertThat(c.get("doc:1")).isEqualTo("text");
  }

  @StoreMatrix
  void setStream_overMaxSize_isSL102_andStoresNothing(StoreContext store) {
    SyncCache c = cache(store).sync();
    byte[] small = bytes(5 * SMALL_CHUNK);
    c.setStream("capped:1", new ByteArrayInputStream(small));
    Map<String, Long> before =
        store.kind() == StoreKind.REDIS ? chunkKeys(store.redis()) : Map.of();
    assertThatThrownBy(
            () -> c.setStream("capped:1", new ByteArrayInputStream(bytes(11 * SMALL_CHUNK))))
        .isInstanceOf(CapacityException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL102"))
        .hasMessageContaining("capped");
    assertThat(readAll(c.stream("capped:1"))).isEqualTo(small);
    assertThatThrownBy(
            () -> c.setStream("capped:2", new ByteArrayInputStream(bytes(11 * SMALL_CHUNK))))
        .isInstanceOf(CapacityException.class);
    assertThat(c.stream("capped:2")).isNull();
    if (store.kind() == StoreKind.REDIS) {
      assertThat(chunkKeys(store.redis())).isEqualTo(before);
    }
  }

  @StoreMatrix
  void setStream_whoseSourceFails_isSL105_andKeepsTheOldValue(StoreContext store) {
    SyncCache c = cache(store).sync();
    byte[] old = bytes(2 * BLOB_CHUNK);
    c.setStream("blob:f", new ByteArrayInputStream(old));
    Map<String, Long> before =
        store.kind() == StoreKind.REDIS ? chunkKeys(store.redis()) : Map.of();
    InputStream failing =
        new InputStream() {
          int left = 3 * BLOB_CHUNK;

          @Override
          public int read() throws IOException {
            if (left-- == 0) {
              throw new IOException("disk on fire");
            }
            return 1;
          }
        };
    assertThatThrownBy(() -> c.setStream("blob:f", failing))
        .isInstanceOf(InvalidStateException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL105"))
        .hasMessageContaining("disk on fire");
    assertThat(readAll(c.stream("blob:f"))).isEqualTo(old);
    if (store.kind() == StoreKind.REDIS) {
      assertThat(chunkKeys(store.redis())).isEqualTo(before);
    }
  }

  @StoreMatrix
  void aReaderDuringAReplace_getsExactlyTheVersionItStarted(StoreContext store) throws IOException {
    SyncCache c = cache(store).sync();
    byte[] v1 = bytes(10 * BLOB_CHUNK + 5);
    byte[] v2 = bytes(7 * BLOB_CHUNK + 9);
    c.setStream("blob:v", new ByteArrayInputStream(v1));
    byte[] got;
    try (InputStream reader = c.stream("blob:v")) {
      byte[] head = reader.readNBytes(BLOB_CHUNK + 10);
      c.setStream("blob:v", new ByteArrayInputStream(v2)); // replaced mid-read
      byte[] rest = reader.readAllBytes();
      got = new byte[head.length + rest.length];
      System.arraycopy(head, 0, got, 0, head.length);
      System.arraycopy(rest, 0, got, head.length, rest.length);
    }
    assertThat(got).isEqualTo(v1);
    assertThat(readAll(c.stream("blob:v"))).isEqualTo(v2);
    if (store.kind() == StoreKind.REDIS) {
      Map<String, Long> chunks = chunkKeys(store.redis());
      // the old version's 11 chunks have the grace period; the new version's 8 are permanent
      assertThat(chunks.values().stream().filter(t -> t == -1L)).hasSize(8);
      assertThat(chunks.values().stream().filter(t -> t > 0 && t <= StreamedValues.GRACE_MILLIS))
          .hasSize(11);
    }
  }

  @StoreMatrix(StoreKind.REDIS)
  void aReaderOutlivingTheGracePeriod_failsWithSL104_neverAMix(StoreContext store)
      throws IOException {
    SyncCache c = cache(store).sync();
    byte[] v1 = bytes(10 * BLOB_CHUNK);
    c.setStream("blob:g", new ByteArrayInputStream(v1));
    InputStream reader = c.stream("blob:g");
    assertThat(reader.readNBytes(10)).isEqualTo(java.util.Arrays.copyOf(v1, 10));
    c.setStream("blob:g", new ByteArrayInputStream(bytes(10 * BLOB_CHUNK)));
    // The grace period ends: the old version's chunks (those with a TTL) are gone.
    chunkKeys(store.redis())
        .forEach(
            (k, ttl) -> {
              if (ttl > 0) {
                store.redis().command("DEL", k);
              }
            });
    assertThatThrownBy(reader::readAllBytes)
        .isInstanceOf(StaleDataException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL104"))
        .hasMessageContaining("retry");
  }

  @StoreMatrix(StoreKind.REDIS)
  void setStream_whoseChunksVanishBeforeTheSwap_isSL104_andKeepsTheOldValue(StoreContext store) {
    SyncCache c = cache(store).sync();
    byte[] old = bytes(BLOB_CHUNK + 1);
    c.setStream("blob:lost", new ByteArrayInputStream(old));
    InputStream source =
        new InputStream() {
          int served;

          @Override
          public int read() {
            if (served == 2 * BLOB_CHUNK) {
              // The first chunks of this write (the only keys with a lease) expire: wait until
              // one is written, then delete what is there.
              Map<String, Long> leased =
                  Await.value(
                      () -> {
                        Map<String, Long> m = new java.util.TreeMap<>(chunkKeys(store.redis()));
                        m.values().removeIf(ttl -> ttl <= 0);
                        return m;
                      },
                      m -> !m.isEmpty(),
                      java.time.Duration.ofSeconds(30));
              leased.keySet().forEach(k -> store.redis().command("DEL", k));
            }
            return served++ < 4 * BLOB_CHUNK ? 5 : -1;
          }
        };
    assertThatThrownBy(() -> c.setStream("blob:lost", source))
        .isInstanceOf(StaleDataException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL104"))
        .hasMessageContaining("lost chunks");
    assertThat(readAll(c.stream("blob:lost"))).isEqualTo(old);
  }

  /**
   * A swap whose reply is lost after the script ran (a timeout) leaves the new chunks, which the
   * pointer now names: the write reports the failure, and the stored value stays readable.
   */
  @StoreMatrix(StoreKind.REDIS)
  void setStream_whoseSwapReplyIsLost_keepsTheChunksOfTheLiveValue(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.setStream("blob:lost-reply", new ByteArrayInputStream(bytes(BLOB_CHUNK)));
    byte[] value = bytes(5 * BLOB_CHUNK + 3);
    StreamedValues.swapReply =
        f ->
            f.thenCompose(
                n ->
                    java.util.concurrent.CompletableFuture.failedFuture(
                        Errors.timedOut("redis (test)", java.time.Duration.ofMillis(1), null)));
    try {
      assertThatThrownBy(() -> c.setStream("blob:lost-reply", new ByteArrayInputStream(value)))
          .isInstanceOf(CacheTimeoutException.class)
          .satisfies(e -> assertThat(code(e)).isEqualTo("SL101"));
    } finally {
      StreamedValues.swapReply = java.util.function.UnaryOperator.identity();
    }
    assertThat(readAll(c.stream("blob:lost-reply"))).isEqualTo(value);
  }

  /**
   * Lease renewals go out as one script per {@link StreamedValues#RENEW_BATCH} chunks (inside the
   * write's window), not one command per chunk: renewing after every chunk of a 1003-chunk value
   * takes 1004 scripts (1000 renewals of up to 1000 chunks, two of 1001 and 1002 in two each).
   */
  @StoreMatrix(StoreKind.REDIS)
  void leaseRenewal_sendsOneScriptPerThousandChunks_andKeepsEveryChunk(StoreContext store) {
    SyncCache c = cache(store).sync();
    byte[] value = bytes(1002 * SMALL_CHUNK + 1);
    long before = scriptCalls(store.redis());
    StreamedValues.renewAfterNanos = 0; // renew after every chunk
    try {
      c.setStream("clip:renewed", new ByteArrayInputStream(value));
    } finally {
      StreamedValues.renewAfterNanos =
          TimeUnit.MILLISECONDS.toNanos(StreamedValues.LEASE_MILLIS / 2);
    }
    assertThat(scriptCalls(store.redis()) - before)
        .isEqualTo(1004 + 1); // the renewals and the swap
    assertThat(readAll(c.stream("clip:renewed"))).isEqualTo(value);
    assertThat(chunkKeys(store.redis()))
        .hasSize(1003)
        .allSatisfy(
            (k, ttl) -> assertThat(ttl).isBetween(1L, 30_000 + StreamedValues.GRACE_MILLIS));
  }

  private static long scriptCalls(RedisServerExtension redis) {
    Map<String, Long> calls = CommandStats.dataCalls(redis);
    return calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
  }

  /** A value of more chunks than the bound is SL102; nothing is stored, the old value stays. */
  @StoreMatrix
  void setStream_overTheChunkBound_isSL102_andStoresNothing(StoreContext store) {
    SyncCache c = cache(store).sync();
    byte[] old = bytes(2 * BLOB_CHUNK);
    c.setStream("blob:many", new ByteArrayInputStream(old));
    Map<String, Long> before =
        store.kind() == StoreKind.REDIS ? chunkKeys(store.redis()) : Map.of();
    StreamedValues.maxChunks = 3;
    try {
      c.setStream("blob:three", new ByteArrayInputStream(bytes(3 * BLOB_CHUNK))); // at the bound
      assertThatThrownBy(
              () -> c.setStream("blob:many", new ByteArrayInputStream(bytes(3 * BLOB_CHUNK + 1))))
          .isInstanceOf(CapacityException.class)
          .satisfies(e -> assertThat(code(e)).isEqualTo("SL102"))
          .hasMessageContaining("more than 3 chunks")
          .hasMessageContaining("chunkSize");
    } finally {
      StreamedValues.maxChunks = StreamedValues.MAX_CHUNKS;
    }
    assertThat(readAll(c.stream("blob:many"))).isEqualTo(old);
    if (store.kind() == StoreKind.REDIS) {
      Map<String, Long> after = chunkKeys(store.redis());
      after.keySet().removeIf(k -> !before.containsKey(k) && after.get(k) == -1L); // blob:three
      assertThat(after).isEqualTo(before);
    }
  }

  @StoreMatrix
  void ttlOfTheOwner_appliesToTheValue_andItsChunks(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.setStream("clip:1", new ByteArrayInputStream(bytes(3 * SMALL_CHUNK)));
    assertThat(c.ttlMillis("clip:1")).isBetween(1L, 30_000L);
    if (store.kind() == StoreKind.REDIS) {
      assertThat(chunkKeys(store.redis()))
          .hasSize(3)
          .allSatisfy(
              (k, ttl) -> assertThat(ttl).isBetween(30_001L, 30_000 + StreamedValues.GRACE_MILLIS));
    }
  }

  @StoreMatrix
  void del_andInvalidatePattern_releaseTheChunks(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.setStream("blob:d1", new ByteArrayInputStream(bytes(3 * BLOB_CHUNK)));
    c.setStream("blob:d2", new ByteArrayInputStream(bytes(2 * BLOB_CHUNK)));
    assertThat(c.del("blob:d1")).isTrue();
    assertThat(c.stream("blob:d1")).isNull();
    assertThat(c.del("blob:d1")).isFalse();
    if (store.kind() == StoreKind.REDIS) {
      Map<String, Long> chunks = chunkKeys(store.redis());
      assertThat(chunks.values().stream().filter(t -> t == -1L)).hasSize(2);
      assertThat(chunks.values().stream().filter(t -> t > 0 && t <= StreamedValues.GRACE_MILLIS))
          .hasSize(3);
    }
    assertThat(c.invalidatePattern("blob:*")).isEqualTo(1);
    assertThat(c.stream("blob:d2")).isNull();
    if (store.kind() == StoreKind.REDIS) {
      assertThat(chunkKeys(store.redis()))
          .hasSize(5)
          .allSatisfy((k, ttl) -> assertThat(ttl).isBetween(1L, StreamedValues.GRACE_MILLIS));
    }
  }

  @StoreMatrix
  void setStream_dropsTheOwnersDependents_andLeavesNoCopies(StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    c.set("summary:1", "old");
    c.setStream("blob:s", new ByteArrayInputStream(bytes(10)));
    assertThat(c.get("summary:1")).isNull();
    byte[] video = bytes(3 * SMALL_CHUNK);
    c.setStream("video:1", new ByteArrayInputStream(video));
    assertThat(readAll(c.stream("video:1"))).isEqualTo(video);
    assertThat(readAll(cache.layer(CacheLayer.EDGE).sync().stream("video:1"))).isEqualTo(video);
    assertThat(cache.layer(CacheLayer.CLIENT).sync().stream("video:1")).isNull();
    assertThat(cache.policy().entryCount(CacheLayer.CLIENT)).isZero();
    assertThatThrownBy(() -> c.get("video:1"))
        .satisfies(e -> assertThat(code(e)).isEqualTo("SL009"));
  }

  /**
   * 256 MB through a child JVM with a 128 MB heap: the value is generated as it is written and
   * hashed as it is read, so only streaming keeps the child alive.
   */
  @StoreMatrix(StoreKind.REDIS)
  void aValueTwiceTheHeap_roundTripsThroughRedis_inAJvmWith128MB(StoreContext store)
      throws Exception {
    ChildJvm.Result child =
        ChildJvm.run(
            List.of("-Xmx128m"), StreamingRoundTrip.class, List.of(store.redis().uri(), "256"), 5);
    String output = child.output();
    System.out.println(output);
    assertThat(child.exitCode()).as(output).isZero();
    Matcher written = Pattern.compile("(?m)^written=(\\w+)$").matcher(output);
    Matcher read = Pattern.compile("(?m)^read=(\\w+)$").matcher(output);
    assertThat(written.find()).as(output).isTrue();
    assertThat(read.find()).as(output).isTrue();
    assertThat(read.group(1)).isEqualTo(written.group(1));
    assertThat(output).contains("bytes=" + 256L * 1024 * 1024).contains("maxHeapMB=");
  }
}
