package dev.stateless.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.ValueCodecException;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Strategy;
import dev.stateless.annotation.ValueType;
import dev.stateless.core.StatelessException;
import dev.stateless.redis.RedisAdapter;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Values as other Redis clients see them: what the SDK writes, a plain Lettuce connection and
 * {@code redis-cli} read, and the reverse, with no type tag in between.
 */
class RedisInteropIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  /** A product as a shop stores it: JSON in Redis. */
  public record Product(
      String sku, String title, BigDecimal price, List<String> tags, Instant added) {}

  /** A shop's components, each with the type of its values. */
  @CacheManifest
  static final class Shop {
    @Owns("stock:{id}")
    @ValueType
    Long stock;

    @Owns("name:{id}")
    @ValueType
    String names;

    @Owns("blob:{id}")
    @ValueType
    byte[] blobs;

    @Owns("product:{id}")
    @ValueType
    Product products;

    @Owns("price:{id}")
    @ValueType
    BigDecimal prices;

    @Owns("flag:{id}")
    @ValueType
    Boolean flags;

    @Owns("big:{id}")
    @ValueType
    BigInteger bigs;

    @Owns("ratio:{id}")
    @ValueType
    Double ratios;

    @Owns("small:{id}")
    @ValueType
    Integer smalls;

    @Owns("misc:*")
    Object misc;
  }

  private final List<StatelessCache> open = new ArrayList<>();
  private RedisClient client;
  private StatefulRedisConnection<String, String> text;
  private StatefulRedisConnection<byte[], byte[]> raw;

  @BeforeEach
  void connect() {
    client = RedisClient.create(redis.uri());
    text = client.connect(StringCodec.UTF8);
    raw = client.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterEach
  void close() {
    open.forEach(StatelessCache::close);
    text.close();
    raw.close();
    client.shutdown();
  }

  /** A node with Redis as its server layer and no copies elsewhere: every get reads Redis. */
  private SyncCache node() {
    StatelessCache c =
        StatelessCache.builder().manifest(Shop.class).server(Stores.redis(redis.uri())).build();
    open.add(c);
    return c.sync();
  }

  private static final Product LAMP =
      new Product(
          "L-1",
          "Lamp \ud83d\udca1",
          new BigDecimal("19.90"),
          List.of("home", "light"),
          Instant.parse("2026-12-05T10:15:30Z"));

  @Test
  void whatWeWrite_aPlainClientReads_asTheBytesItWouldWrite() throws Exception {
    SyncCache cache = node();
    cache.set("stock:1", 42L);
    cache.set("name:1", "Zoë");
    cache.set("blob:1", new byte[] {0, (byte) 0xff, 7});
    cache.set("price:1", new BigDecimal("19.90"));
    cache.set("flag:1", true);
    cache.set("big:1", new BigInteger("98765432109876543210"));
    cache.set("product:1", LAMP);
    cache.set("misc:1", "untyped text");
    RedisCommands<String, String> t = text.sync();
    assertThat(t.get("stock:1")).isEqualTo("42");
    assertThat(t.get("name:1")).isEqualTo("Zoë");
    assertThat(raw.sync().get(bytes("blob:1"))).containsExactly(0, 0xff, 7);
    assertThat(t.get("price:1")).isEqualTo("19.90");
    assertThat(t.get("flag:1")).isEqualTo("true");
    assertThat(t.get("big:1")).isEqualTo("98765432109876543210");
    assertThat(t.get("misc:1")).isEqualTo("untyped text");
    assertThat(t.get("product:1")).contains("\"price\":19.90"); // the scale kept
    ObjectNode json = (ObjectNode) mapper().readTree(t.get("product:1"));
    assertThat(json.get("sku").asText()).isEqualTo("L-1");
    assertThat(json.get("title").asText()).isEqualTo("Lamp \ud83d\udca1");
    assertThat(json.get("price").decimalValue()).isEqualTo(new BigDecimal("19.90"));
    assertThat(json.get("added").asText()).isEqualTo("2026-12-05T10:15:30Z");
  }

  @Test
  void whatAPlainClientWrites_weRead_asTheComponentsType() {
    RedisCommands<String, String> t = text.sync();
    t.set("stock:2", "17");
    t.set("name:2", "written by Lettuce");
    raw.sync().set(bytes("blob:2"), new byte[] {(byte) 0xc3, 0x28}); // not UTF-8
    t.set("price:2", "3.5");
    t.set("flag:2", "0");
    t.set(
        "product:2",
        "{\"sku\":\"M-2\",\"title\":\"Mug\",\"price\":4.25,\"tags\":[\"kitchen\"],"
            + "\"added\":\"2026-01-02T03:04:05Z\"}");
    t.set("misc:2", "5");
    raw.sync().set(bytes("misc:3"), new byte[] {(byte) 0xc3, 0x28});
    SyncCache cache = node();
    assertThat(cache.get("stock:2")).isEqualTo(17L);
    assertThat(cache.get("name:2")).isEqualTo("written by Lettuce");
    assertThat(cache.get("blob:2")).isEqualTo(new byte[] {(byte) 0xc3, 0x28});
    assertThat(cache.get("price:2")).isEqualTo(new BigDecimal("3.5"));
    assertThat(cache.get("flag:2")).isEqualTo(false);
    assertThat(cache.get("product:2"))
        .isEqualTo(
            new Product(
                "M-2",
                "Mug",
                new BigDecimal("4.25"),
                List.of("kitchen"),
                Instant.parse("2026-01-02T03:04:05Z")));
    // Untyped: what Redis holds, text (or bytes when it is no UTF-8).
    assertThat(cache.get("misc:2")).isEqualTo("5");
    assertThat(cache.get("misc:3")).isEqualTo(new byte[] {(byte) 0xc3, 0x28});
    // The RedisAdapter reads the same values.
    assertThat(new RedisAdapter(cache.async()).get("stock:2").join()).isEqualTo(17L);
  }

  @Test
  void bytesThatAreNoValueOfTheType_failWithSL105NamingKeyAndComponent() {
    text.sync().set("stock:3", "seventeen");
    text.sync().set("product:3", "{\"sku\":");
    SyncCache cache = node();
    assertThatThrownBy(() -> cache.get("stock:3"))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageStartingWith(
            "error[SL105]: cannot read the value of \"stock:3\" as java.lang.Long (component"
                + " \"stock\"): not a Long in decimal")
        .hasMessageContaining("help:");
    assertThatThrownBy(() -> cache.get("product:3"))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("\"product:3\" as " + Product.class.getTypeName());
  }

  @Test
  void aValueOfAnotherType_isRefusedWithSL014_andNothingIsWritten() {
    SyncCache cache = node();
    assertThatThrownBy(() -> cache.set("stock:4", "four"))
        .isInstanceOf(StatelessException.class)
        .hasMessageStartingWith(
            "error[SL014]: value of type java.lang.String for \"stock:4\", whose owner \"stock\""
                + " holds values of type java.lang.Long");
    assertThatThrownBy(() -> cache.set("product:4", 4L))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("error[SL014]")
        .hasMessageContaining(Product.class.getTypeName());
    assertThat(text.sync().exists("stock:4", "product:4")).isZero();
  }

  @Test
  void incr_fromBothSides_interleaved_agrees() {
    SyncCache cache = node();
    RedisAdapter adapter = new RedisAdapter(cache.async());
    RedisCommands<String, String> t = text.sync();
    long expected = 0;
    for (int i = 0; i < 50; i++) {
      if (i % 2 == 0) {
        expected += 3;
        assertThat(cache.increment("stock:5", 3)).isEqualTo(expected);
      } else {
        expected += 1;
        assertThat(t.incr("stock:5")).isEqualTo(expected);
      }
    }
    assertThat(cache.get("stock:5")).isEqualTo(expected);
    assertThat(t.get("stock:5")).isEqualTo(Long.toString(expected));
    // A counter another client started as text is counted by the adapter, too.
    t.set("misc:counter", "5");
    assertThat(adapter.incr("misc:counter").join()).isEqualTo(6L);
    assertThat(t.incrby("misc:counter", 10)).isEqualTo(16L);
    assertThat(adapter.get("misc:counter").join()).isEqualTo("16");
    // Past a long: Redis refuses, and so do we, with a code.
    t.set("stock:6", Long.toString(Long.MAX_VALUE));
    assertThatThrownBy(() -> cache.increment("stock:6", 1))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("error[SL105]");
    assertThat(t.get("stock:6")).isEqualTo(Long.toString(Long.MAX_VALUE));
  }

  @Test
  void redisCompatibleCode_seesValuesAsRedisHoldsThem_andWritesTheirText() {
    SyncCache cache = node();
    SyncCache redisLike = cache.withStrategy(Strategy.REDIS_COMPATIBLE);
    cache.set("stock:9", 9L);
    cache.set("product:9", LAMP);
    assertThat(redisLike.get("stock:9")).isEqualTo("9");
    assertThat((String) redisLike.get("product:9")).startsWith("{\"sku\":\"L-1\"");
    RedisAdapter adapter = new RedisAdapter(cache.async()).withStrategy(Strategy.REDIS_COMPATIBLE);
    assertThat(adapter.get("stock:9").join()).isEqualTo("9");
    // Text a Long component's owner takes as Redis would: "12" is a Long; "twelve" is not.
    redisLike.set("stock:9", "12");
    assertThat(cache.get("stock:9")).isEqualTo(12L);
    assertThatThrownBy(() -> redisLike.set("stock:9", "twelve"))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("\"stock:9\" as java.lang.Long");
    assertThat(cache.get("stock:9")).isEqualTo(12L);
  }

  @Test
  void incrementOfAnIntegerComponent_pastItsRange_isRefused_andLeavesTheValue() {
    SyncCache cache = node();
    cache.set("small:1", Integer.MAX_VALUE);
    assertThatThrownBy(() -> cache.increment("small:1", 1))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("error[SL105]")
        .hasMessageContaining("overflows the type");
    assertThat(cache.get("small:1")).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> cache.increment("small:2", Long.MAX_VALUE))
        .isInstanceOf(StatelessException.class);
    assertThat(text.sync().exists("small:2")).isZero(); // an absent key stays absent
    assertThat(cache.increment("small:3", -5)).isEqualTo(-5);
    assertThat(cache.get("small:3")).isEqualTo(-5);
  }

  @Test
  void redisCompatibleBatch_takesTextThatATypedComponentReads() {
    SyncCache cache = node();
    cache.withStrategy(Strategy.REDIS_COMPATIBLE).atomicBatch(tx -> tx.set("stock:20", "20"));
    assertThat(cache.get("stock:20")).isEqualTo(20L);
  }

  @Test
  void aJsonRecordEditedByAnotherClient_isReadBackWithTheEdit() throws Exception {
    SyncCache cache = node();
    cache.set("product:7", LAMP);
    ObjectMapper mapper = mapper();
    ObjectNode json = (ObjectNode) mapper.readTree(text.sync().get("product:7"));
    json.put("title", "Desk lamp");
    json.put("addedBy", "a script"); // a field our record does not have
    text.sync().set("product:7", mapper.writeValueAsString(json));
    Product read = (Product) cache.get("product:7");
    assertThat(read.title()).isEqualTo("Desk lamp");
    assertThat(read.sku()).isEqualTo("L-1");
    assertThat(read.price()).isEqualTo(new BigDecimal("19.90"));
    assertThat(read.added()).isEqualTo(LAMP.added());
  }

  @Test
  void redisCli_readsOursAndWritesWhatWeRead() throws Exception {
    Path cli = redisCli();
    SyncCache cache = node();
    cache.set("stock:8", 5L);
    cache.set("name:8", "héllo wörld");
    assertThat(cli("GET", "stock:8")).isEqualTo("5");
    assertThat(cli("--no-raw", "GET", "name:8")).isEqualTo("\"h\\xc3\\xa9llo w\\xc3\\xb6rld\"");
    assertThat(cli("INCR", "stock:8")).isEqualTo("6");
    assertThat(cache.get("stock:8")).isEqualTo(6L);
    assertThat(cli("SET", "misc:cli", "set by redis-cli")).isEqualTo("OK");
    assertThat(cache.get("misc:cli")).isEqualTo("set by redis-cli");
    assertThat(cli("SET", "product:8", "{\"sku\":\"C-8\",\"title\":\"Cup\",\"price\":2}"))
        .isEqualTo("OK");
    Product cup = (Product) cache.get("product:8");
    assertThat(cup.sku()).isEqualTo("C-8");
    assertThat(cup.price()).isEqualByComparingTo("2");
    assertThat(cup.tags()).isNull(); // absent in the JSON: what a record gets, documented
  }

  /**
   * Seeded: random values of every kind, written by one node, are in Redis as the bytes of their
   * form; those bytes, copied by a plain client to another key, read back through another node as
   * an equal value.
   */
  @Test
  void randomValuesOfEveryKind_surviveARedisRoundTrip_byteExactly() throws Exception {
    long seed = Long.getLong("stateless.seed", System.nanoTime());
    Random r = new Random(seed);
    SyncCache writer = node();
    SyncCache reader = node();
    ObjectMapper other = mapper();
    for (int i = 0; i < 400; i++) {
      String id = "p" + i;
      String prefix;
      Object v;
      switch (r.nextInt(8)) {
        case 0 -> {
          prefix = "name:";
          v = randomText(r);
        }
        case 1 -> {
          prefix = "blob:";
          byte[] b = new byte[r.nextInt(64)];
          r.nextBytes(b);
          v = b;
        }
        case 2 -> {
          prefix = "stock:";
          v = r.nextBoolean() ? r.nextLong() : (long) r.nextInt(1000);
        }
        case 3 -> {
          prefix = "price:";
          v = new BigDecimal(new BigInteger(1 + r.nextInt(90), r), r.nextInt(12) - 3);
        }
        case 4 -> {
          prefix = "flag:";
          v = r.nextBoolean();
        }
        case 5 -> {
          prefix = "big:";
          BigInteger b = new BigInteger(1 + r.nextInt(200), r);
          v = r.nextBoolean() ? b : b.negate();
        }
        case 6 -> {
          prefix = "ratio:";
          v = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
        }
        default -> {
          prefix = "product:";
          v =
              new Product(
                  randomText(r),
                  randomText(r),
                  new BigDecimal(new BigInteger(40, r), r.nextInt(4)),
                  List.of(randomText(r), randomText(r)),
                  Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(1_000_000_000)));
        }
      }
      String key = prefix + id;
      String copy = prefix + "copy" + i;
      writer.set(key, v);
      byte[] stored = raw.sync().get(bytes(key));
      String what = "seed " + seed + ", " + key + " = " + v;
      if (v instanceof String text) {
        assertThat(stored).as(what).isEqualTo(bytes(text));
      } else if (v instanceof byte[] b) {
        assertThat(stored).as(what).isEqualTo(b);
      } else if (v instanceof Product p) {
        ObjectNode json = (ObjectNode) other.readTree(stored);
        assertThat(json.get("title").asText()).as(what).isEqualTo(p.title());
        assertThat(json.get("price").decimalValue()).as(what).isEqualTo(p.price());
        assertThat(Instant.parse(json.get("added").asText())).as(what).isEqualTo(p.added());
      } else {
        assertThat(new String(stored, StandardCharsets.US_ASCII)).as(what).isEqualTo(v.toString());
      }
      raw.sync().set(bytes(copy), stored); // another client writes the same bytes
      assertThat(reader.get(copy)).as(what).isEqualTo(v);
      assertThat(reader.get(key)).as(what).isEqualTo(v);
    }
  }

  /** Text of random code points from all planes, never half a surrogate pair. */
  private static String randomText(Random r) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      int cp;
      do {
        cp = r.nextInt(4) == 0 ? r.nextInt(0x110000) : 0x20 + r.nextInt(0x5f);
      } while (cp >= 0xD800 && cp <= 0xDFFF);
      b.appendCodePoint(cp);
    }
    return b.toString();
  }

  private static Path redisCli() {
    Path beside = redis.binary().resolveSibling("redis-cli");
    if (Files.isExecutable(beside)) {
      return beside;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "redis-cli");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    // Debian's redis-server package brings redis-cli (redis-tools); only embedded-redis's
    // fallback binary comes without one, and .ci/run installs the package.
    assumeTrue(false, "no redis-cli here (apt-get install redis-server brings it)");
    throw new AssertionError("unreachable");
  }

  private static String cli(String... args) throws IOException, InterruptedException {
    List<String> argv =
        new ArrayList<>(
            List.of(
                redisCli().toString(), "-h", redis.host(), "-p", Integer.toString(redis.port())));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  /** Another program's Jackson, keeping decimals exact (as a careful client does). */
  private static ObjectMapper mapper() {
    return new ObjectMapper()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .configure(
            com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES,
            false);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
