package dev.stateless.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.CapacityException;
import dev.stateless.InvalidStateException;
import dev.stateless.ValueCodec;
import dev.stateless.ValueCodecException;
import dev.stateless.core.Component;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.redis.RedisStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values on their way in and out: Redis's own forms, exactly, sized before sent, by value. */
class ValuesTest {
  private static final ValueType UNTYPED = ValueType.untyped(null, ValueCodec.json());

  record Point(int x, int y) {}

  record Tagged(String name, List<String> tags) {}

  static final class Pojo {
    public String name = "";
    public List<Integer> scores = new ArrayList<>();
  }

  private static ValueType typed(java.lang.reflect.Type t) {
    return ValueType.of(
        Component.builder("c").owns("c:*").valueType(t).build(), t, ValueCodec.json());
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void redisForms_areWhatAnyClientWrites_noTypeTag() {
    assertThat(text(UNTYPED.encode("k", "héllo"))).isEqualTo("héllo");
    assertThat(UNTYPED.encode("k", new byte[] {0, (byte) 0xff})).containsExactly(0, 0xff);
    assertThat(text(UNTYPED.encode("k", 42L))).isEqualTo("42");
    assertThat(text(UNTYPED.encode("k", -7))).isEqualTo("-7");
    assertThat(text(UNTYPED.encode("k", new BigInteger("123456789012345678901234567890"))))
        .isEqualTo("123456789012345678901234567890");
    assertThat(text(UNTYPED.encode("k", 1.5d))).isEqualTo("1.5");
    assertThat(text(UNTYPED.encode("k", new BigDecimal("1.10")))).isEqualTo("1.10");
    assertThat(text(UNTYPED.encode("k", true))).isEqualTo("true");
    assertThat(text(UNTYPED.encode("k", new Point(1, 2)))).isEqualTo("{\"x\":1,\"y\":2}");
    assertThat(text(UNTYPED.encode("k", Instant.parse("2026-12-05T01:02:03Z"))))
        .isEqualTo("\"2026-12-05T01:02:03Z\"");
  }

  @Test
  void untypedReads_giveWhatRedisHolds_textOrBytes() {
    assertThat(UNTYPED.decode("k", "42".getBytes(StandardCharsets.US_ASCII))).isEqualTo("42");
    assertThat(UNTYPED.decode("k", new byte[] {(byte) 0xc3, (byte) 0x28}))
        .isEqualTo(new byte[] {(byte) 0xc3, 0x28}); // not UTF-8: the bytes
  }

  @Test
  void typedReads_giveTheDeclaredType_andRefuseOtherBytesWithSL105NamingTheKey() {
    assertThat(typed(Long.class).decode("k", "-12".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(-12L);
    assertThat(typed(long.class).decode("k", "7".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(7L);
    assertThat(typed(Boolean.class).decode("k", "1".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(true);
    assertThat(typed(Point.class).decode("k", "{\"y\":2,\"x\":1}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Point(1, 2));
    assertThatThrownBy(
            () -> typed(Long.class).decode("stock:1", "five".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageStartingWith(
            "error[SL105]: cannot read the value of \"stock:1\" as java.lang.Long (component"
                + " \"c\"): not a Long in decimal")
        .hasMessageContaining("help:");
    assertThatThrownBy(() -> typed(Point.class).decode("p:1", "[1]".getBytes()))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("as " + Point.class.getTypeName());
  }

  @Test
  void aValueOfAnotherType_isRefusedWithSL014NamingTheComponentAndBothTypes() {
    assertThatThrownBy(() -> Values.encode(typed(Long.class), "c:1", "five", null))
        .isInstanceOf(StatelessException.class)
        .hasMessageStartingWith(
            "error[SL014]: value of type java.lang.String for \"c:1\", whose owner \"c\" holds"
                + " values of type java.lang.Long");
  }

  @Test
  void encodedLength_isTheLengthOfTheEncoding_withoutMakingIt() {
    int big = 1 << 20; // texts this long are sized before they are encoded
    for (String t : List.of("ascii", "ünïcødé", "€ and \ud83d\ude00")) {
      String v = t.repeat(big / t.length() + 1);
      assertThat(UNTYPED.encodedLength("k", v))
          .as("%s", t)
          .isEqualTo(UNTYPED.encode("k", v).length);
    }
    assertThat(UNTYPED.encodedLength("k", new byte[] {1, 2, 3})).isEqualTo(3);
    assertThat(UNTYPED.encodedLength("k", "short")).isEqualTo(-1); // small: encoded to be sized
    assertThat(UNTYPED.encodedLength("k", 42L)).isEqualTo(-1);
  }

  @Test
  void stringWithAnUnpairedSurrogate_isRefused_neverStoredWithAQuestionMark() {
    for (String bad : List.of("x\ud800", "\udc00", "\ud83d\ude00\ud83d")) {
      assertThatThrownBy(() -> Values.encode(UNTYPED, "user:1", bad, null))
          .isInstanceOf(InvalidStateException.class)
          .hasMessageContaining("unpaired surrogate");
    }
    assertThatThrownBy(() -> Values.encode(UNTYPED, "user:1", "x\ud800", null))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageStartingWith(
            "error[SL105]: cannot store the value of \"user:1\" exactly (java.lang.String): the"
                + " String has an unpaired surrogate \\uD800 at index 1, which UTF-8 cannot hold;"
                + " nothing was written");
  }

  @Test
  void byteArray_isCopiedOnce_andReadOutAsANewCopy() {
    byte[] value = {1, 2, 3};
    Values.Encoded e = Values.encode(UNTYPED, "k", value, null);
    assertThat(e.bytes()).containsExactly(1, 2, 3);
    value[0] = 9; // the caller's array is not the cache's
    Object out = Values.copyOut(e.stored());
    assertThat(out).isEqualTo(new byte[] {1, 2, 3});
    ((byte[]) out)[1] = 9; // nor is what a reader gets
    assertThat(Values.copyOut(e.stored())).isEqualTo(new byte[] {1, 2, 3});
    assertThat(Values.encoded(UNTYPED, "k", e.stored())).isSameAs(e.bytes()); // not re-encoded
    assertThat(Values.typeName(e.stored())).isEqualTo("byte[]");
  }

  @Test
  void mutableValues_areStoredByValue_immutableOnesAreShared() {
    Pojo pojo = new Pojo();
    pojo.name = "a";
    pojo.scores.add(1);
    Values.Encoded e = Values.encode(UNTYPED, "k", pojo, null);
    pojo.scores.add(2); // after set
    Pojo out = (Pojo) Values.copyOut(e.stored());
    assertThat(out.scores).containsExactly(1);
    out.scores.add(3); // after get
    assertThat(((Pojo) Values.copyOut(e.stored())).scores).containsExactly(1);

    List<String> list = new ArrayList<>(List.of("x"));
    Values.Encoded l = Values.encode(UNTYPED, "k", list, null);
    list.add("y");
    assertThat(Values.copyOut(l.stored())).isEqualTo(List.of("x"));

    Map<String, String> map = new LinkedHashMap<>(Map.of("f", "v"));
    Values.Encoded m = Values.encode(UNTYPED, "k", Map.copyOf(map), null); // an immutable Map
    assertThat(Values.copyOut(m.stored())).isEqualTo(map);

    Point p = new Point(1, 2);
    assertThat(Values.encode(UNTYPED, "k", p, null).stored()).isSameAs(p); // immutable record
    Tagged t = new Tagged("n", new ArrayList<>(List.of("a")));
    Values.Encoded te = Values.encode(UNTYPED, "k", t, null);
    t.tags().add("b"); // a record holding a list is not immutable
    assertThat(Values.copyOut(te.stored())).isEqualTo(new Tagged("n", List.of("a")));
    String s = "text";
    assertThat(Values.encode(UNTYPED, "k", s, null).stored()).isSameAs(s);
  }

  /** An enum with classes nested in it: only the enum is immutable. */
  enum Holder {
    A;

    static final class Box {
      public List<String> items = new ArrayList<>();
    }

    record Items(List<String> items) {}
  }

  @Test
  void classesNestedInAnEnum_areNotTakenForItsConstants() {
    assertThat(Immutables.isImmutable(Holder.class)).isTrue();
    assertThat(Immutables.isImmutable(Holder.Box.class)).isFalse();
    assertThat(Immutables.isImmutable(Holder.Items.class)).isFalse();
  }

  @Test
  void aDeclaredSupertypeOfANativeClass_isRefusedWhenTheCacheIsBuilt() {
    for (Class<?> type : List.of(Number.class, CharSequence.class, java.io.Serializable.class)) {
      dev.stateless.core.Manifest m =
          dev.stateless.core.Manifest.builder()
              .component(Component.builder("c").owns("c:*").valueType(type).build())
              .build();
      assertThatThrownBy(() -> new ValueTypes(m, ValueCodec.json(), Map.of()))
          .as(type.getName())
          .isInstanceOf(StatelessException.class)
          .hasMessageContaining(
              "error[SL014]: component \"c\" declares values of type " + type.getName());
    }
  }

  @Test
  void immutables_areDecidedByClass() {
    assertThat(Immutables.isImmutable(String.class)).isTrue();
    assertThat(Immutables.isImmutable(Instant.class)).isTrue();
    assertThat(Immutables.isImmutable(Point.class)).isTrue();
    assertThat(Immutables.isImmutable(Tagged.class)).isFalse();
    assertThat(Immutables.isImmutable(Pojo.class)).isFalse();
    assertThat(Immutables.isImmutable(byte[].class)).isFalse();
    assertThat(Immutables.isImmutable(ArrayList.class)).isFalse();
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
