package dev.stateless.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.CapacityException;
import dev.stateless.InvalidStateException;
import dev.stateless.ValueCodec;
import dev.stateless.internal.redis.RedisStore;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values on their way in: encoded once, exactly, and sized before they are sent. */
class ValuesTest {
  private static final ValueCodec CODEC = StandardCodec.INSTANCE;

  @Test
  void encodedLength_isTheLengthOfTheEncoding_withoutMakingIt() {
    Map<String, String> hash = new LinkedHashMap<>();
    hash.put("f", "ünï \ud83d\ude00");
    hash.put("", "€");
    for (Object v :
        List.of(
            "",
            "ascii",
            "ünïcødé",
            "€ and \ud83d\ude00",
            new byte[] {1, 2, 3},
            new byte[0],
            hash)) {
      assertThat(StandardCodec.encodedLength(v)).as("%s", v).isEqualTo(CODEC.encode(v).length);
      assertThat(CODEC.decode(CODEC.encode(v))).as("%s", v).isEqualTo(v);
    }
    assertThat(StandardCodec.encodedLength(42L)).isEqualTo(-1); // small: encoded to be sized
    assertThat(StandardCodec.encodedLength(new BigDecimal("1.10"))).isEqualTo(-1);
  }

  @Test
  void stringWithAnUnpairedSurrogate_isRefused_neverStoredWithAQuestionMark() {
    for (String bad : List.of("x\ud800", "\udc00", "\ud83d\ude00\ud83d")) {
      assertThatThrownBy(() -> CODEC.encode(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unpaired surrogate");
      assertThatThrownBy(() -> StandardCodec.encodedLength(Map.of("f", bad)))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Values.encode(CODEC, "user:1", "x\ud800", null))
        .isInstanceOf(InvalidStateException.class)
        .hasMessageStartingWith(
            "error[SL105]: cannot store the value of \"user:1\" exactly (String): the String has an"
                + " unpaired surrogate \\uD800 at index 1, which UTF-8 cannot hold; nothing was"
                + " written");
  }

  @Test
  void byteArray_isCopiedOnce_andReadOutAsANewCopy() {
    byte[] value = {1, 2, 3};
    Values.Encoded e = Values.encode(CODEC, "k", value, null);
    assertThat(e.bytes()).containsExactly(StandardCodec.BYTES, 1, 2, 3);
    value[0] = 9; // the caller's array is not the cache's
    Object out = Values.copyOut(e.stored());
    assertThat(out).isEqualTo(new byte[] {1, 2, 3});
    ((byte[]) out)[1] = 9; // nor is what a reader gets
    assertThat(Values.copyOut(e.stored())).isEqualTo(new byte[] {1, 2, 3});
    assertThat(Values.encoded(CODEC, e.stored())).isSameAs(e.bytes()); // shared, not re-encoded
    assertThat(Values.typeName(e.stored())).isEqualTo("byte[]");
  }

  @Test
  void redisLimit_isProtoMaxBulkLen_andRefusesOneByteMore_withSL102() {
    RedisStore redis = new RedisStore("redis://127.0.0.1:6379");
    assertThat(RedisStore.MAX_BULK_BYTES).isEqualTo(536_870_912L);
    redis.checkFits("k", RedisStore.MAX_BULK_BYTES); // exactly the limit: Redis takes it
    assertThatThrownBy(() -> redis.checkFits("blob:1", RedisStore.MAX_BULK_BYTES + 1))
        .isInstanceOf(CapacityException.class)
        .hasMessageStartingWith(
            "error[SL102]: value of 536870913 bytes (encoded) for key \"blob:1\" exceeds the"
                + " 536870912 bytes Redis takes in one value (proto-max-bulk-len) at"
                + " redis://127.0.0.1:6379/0; nothing was written")
        .hasMessageContaining(
            "= help: store it in chunks: give its component @Streaming(chunkSize = \"1MB\") and"
                + " write it with setStream(key, inputStream), or shrink it");
  }
}
