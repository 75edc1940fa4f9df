package dev.stateless.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.ValueType;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.redis.TaggedValues;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one-time path from 0.1.0's tagged values: converted in place, other programs' data kept. */
class TaggedValuesIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  @CacheManifest
  static final class Old {
    @Owns("stock:{id}")
    @ValueType
    Long stock;

    @Owns("user:*")
    Object users;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A value as 0.1.0 wrote it, listed in its owner's index as 0.1.0 did. */
  private static void old(RedisCommands<byte[], byte[]> r, String owner, String key, byte[] v) {
    r.set(b(key), v);
    r.zadd(b(RedisKeys.PREFIX + "idx:" + owner), 0, b(key)); // the 0.1 layout
  }

  private static byte[] tagged(char tag, byte[] payload) {
    byte[] out = new byte[payload.length + 1];
    out[0] = (byte) tag;
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }

  private static byte[] oldHash(Map<String, String> m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('H');
    for (Map.Entry<String, String> e : m.entrySet()) {
      for (String t : new String[] {e.getKey(), e.getValue()}) {
        byte[] text = b(t);
        out.writeBytes(ByteBuffer.allocate(4).putInt(text.length).array());
        out.writeBytes(text);
      }
    }
    return out.toByteArray();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"}) // get(key, Map.class): a raw Map
  void migrate_convertsWhat010Wrote_keepsTtls_andLeavesOtherProgramsDataAlone() {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
      RedisCommands<byte[], byte[]> r = c.sync();
      old(r, "stock", "stock:1", tagged('l', b("42")));
      old(r, "users", "user:text", tagged('s', b("Zoë")));
      old(r, "users", "user:bytes", tagged('b', new byte[] {0, (byte) 0xff}));
      old(r, "users", "user:hash", oldHash(Map.of("f", "v")));
      old(r, "users", "user:notags", b("?plain")); // no tag of 0.1.0's: left
      r.pexpire(b("user:text"), 600_000);
      r.set(b("user:foreign"), b("sugar")); // another program's, not in an index: never touched

      TaggedValues.Report dry = TaggedValues.migrate(redis.uri(), true);
      assertThat(dry.converted()).isEqualTo(4);
      assertThat(r.get(b("stock:1"))).isEqualTo(tagged('l', b("42"))); // a dry run writes nothing

      TaggedValues.Report done = TaggedValues.migrate(redis.uri(), false);
      assertThat(done.seen()).isEqualTo(5);
      assertThat(done.converted()).isEqualTo(4);
      assertThat(done.untouched()).isEqualTo(1);
      assertThat(r.get(b("stock:1"))).isEqualTo(b("42"));
      assertThat(r.get(b("user:text"))).isEqualTo(b("Zoë"));
      assertThat(r.pttl(b("user:text"))).isBetween(1L, 600_000L);
      assertThat(r.get(b("user:bytes"))).isEqualTo(new byte[] {0, (byte) 0xff});
      assertThat(r.get(b("user:hash"))).isEqualTo(b("{\"f\":\"v\"}"));
      assertThat(r.get(b("user:notags"))).isEqualTo(b("?plain"));
      assertThat(r.get(b("user:foreign"))).isEqualTo(b("sugar"));

      try (StatelessCache cache =
          StatelessCache.builder().manifest(Old.class).server(Stores.redis(redis.uri())).build()) {
        SyncCache s = cache.sync();
        assertThat(s.get("stock:1")).isEqualTo(42L);
        assertThat(s.get("user:text")).isEqualTo("Zoë");
        assertThat(s.get("user:hash", Map.class)).isEqualTo(Map.of("f", "v"));
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void migrate_withRedisDown_failsWithSL100() {
    String uri = redis.uri();
    redis.stop();
    try {
      assertThatThrownBy(() -> TaggedValues.migrate(uri + "?timeout=1s", false))
          .isInstanceOf(StatelessException.class)
          .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL100"));
    } finally {
      redis.start();
    }
  }
}
