package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LiteralsTest {

  @ParameterizedTest
  @CsvSource({
    "1B, 1",
    "512KB, 524288",
    "50MB, 52428800",
    "1mb, 1048576",
    "2GiB, 2147483648",
    "1TB, 1099511627776",
  })
  void parseSize_readsBinaryUnits(String literal, long bytes) {
    assertThat(Literals.parseSize(literal)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|expected a whole number first",
        "MB|expected a whole number first",
        "50|missing unit",
        "50 MB|unknown unit \" MB\"",
        "1.5MB|fractions are not allowed; use a smaller unit",
        "50XB|unknown unit \"XB\"",
        "0MB|a size must be at least 1 byte",
        "99999999999999999999B|too large",
        "9999999TB|too large",
        "-1MB|expected a whole number first",
      })
  void parseSize_malformed_throwsSL012(String literal, String problem) {
    assertThatThrownBy(() -> Literals.parseSize(literal))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining(
            "error[SL012]: malformed size literal \"" + literal + "\": " + problem)
        .hasMessageContaining("= help: ");
  }

  @ParameterizedTest
  @CsvSource({
    "30s, PT30S",
    "10m, PT10M",
    "1h, PT1H",
    "1h30m, PT1H30M",
    "2d, PT48H",
    "250ms, PT0.25S"
  })
  void parseDuration_readsUnits(String literal, String iso) {
    assertThat(Literals.parseDuration(literal)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty",
        "10|missing unit",
        "10x|unknown unit \"x\"",
        "10M|unknown unit \"M\"",
        "30m1h|units must appear once each, largest first",
        "1s1s|units must appear once each, largest first",
        "0s|a duration must be positive",
        "s|expected a whole number at index 0",
        "1.5h|unexpected \".\" at index 1",
        "99999999999999999999s|too large",
        "9999999999999999d|too large",
      })
  void parseDuration_malformed_throwsSL012(String literal, String problem) {
    assertThatThrownBy(() -> Literals.parseDuration(literal))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining(
            "error[SL012]: malformed duration literal \"" + literal + "\": " + problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hi-IN", "ar-EG", "tr-TR", "de-DE"})
  void literals_doNotDependOnDefaultLocale(String tag) {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag(tag));
      assertThat(Literals.parseSize("50mb")).isEqualTo(50L << 20);
      assertThat(Literals.parseSize("1kib")).isEqualTo(1024L);
      assertThat(Literals.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
      assertThatThrownBy(() -> Literals.parseSize("٥MB")).hasMessageContaining("SL012");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void checkKey_withAnUnpairedSurrogate_throwsSL012_printingItEscaped() {
    // issue 12: "user:\ud800" reached Redis as "user:?", overwriting that key
    assertThatThrownBy(() -> Literals.checkKey("user:\ud800"))
        .isInstanceOf(StatelessException.class)
        .hasMessageStartingWith(
            "error[SL012]: malformed key \"user:\\uD800\": unpaired surrogate \\uD800 at index"
                + " 5, which has no UTF-8 encoding")
        .hasMessageContaining("= help: ")
        .hasMessageContaining("whole code points");
    assertThatThrownBy(() -> Literals.checkKey(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThat(Literals.checkKey("user:\ud83d\ude00")).isEqualTo("user:\ud83d\ude00");
  }

  @ParameterizedTest
  @CsvSource({
    "'', -1",
    "user:1, -1",
    "'\ud83d\ude00', -1",
    "'a\ud800', 1",
    "'a\udc00b', 1",
    "'\udc00\ud800', 0",
    "'\ud83d\ude00\ud83d', 2",
    "'\ud800\ud800\udc00', 0",
  })
  void unpairedSurrogate_findsTheFirstHalfPair(String text, int index) {
    assertThat(Literals.unpairedSurrogate(text)).isEqualTo(index);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ascii", "ünï", "€uro", "\ud83d\ude00 and \u07ff\u0800"})
  void utf8Length_isTheLengthOfTheEncoding(String text) {
    assertThat(Literals.utf8Length(text))
        .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  @Test
  void printable_escapesOnlyUnpairedSurrogates() {
    assertThat(Literals.printable("a\ud83d\ude00\udc00b\ud800"))
        .isEqualTo("a\ud83d\ude00\\uDC00b\\uD800");
    assertThat(Literals.printable("plain")).isEqualTo("plain");
  }

  @Test
  void checkGlob_withAnUnpairedSurrogate_throwsSL012() {
    assertThatThrownBy(() -> Literals.checkGlob("user:\ud800*"))
        .isInstanceOf(StatelessException.class)
        .hasMessageStartingWith("error[SL012]: malformed glob \"user:\\uD800*\"");
    assertThat(Literals.checkGlob("user:[ab]?*")).isEqualTo("user:[ab]?*");
  }

  @Test
  void checkTtl_zeroOrNegative_throwsSL012_namingTheArgument() {
    for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-1)}) {
      assertThatThrownBy(() -> Literals.checkTtl(d, "ttl of f(ttl)"))
          .isInstanceOf(StatelessException.class)
          .hasMessageStartingWith(
              "error[SL012]: malformed TTL "
                  + d
                  + " (ttl of f(ttl)): a time to live must be positive")
          .hasMessageContaining("= help: pass a positive Duration");
    }
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    assertThat(Literals.checkTtl(huge, "ttl")).isSameAs(huge); // kept; the runtime saturates it
  }

  @Test
  void isUtf8_agreesWithTheJdksStrictDecoder_onRandomBytes() {
    long seed = Long.getLong("stateless.seed", System.nanoTime());
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[r.nextInt(8)];
      for (int k = 0; k < b.length; k++) {
        b[k] = (byte) (r.nextBoolean() ? 0x80 + r.nextInt(0x80) : r.nextInt(256));
      }
      boolean jdk;
      try {
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(b));
        jdk = true;
      } catch (java.nio.charset.CharacterCodingException e) {
        jdk = false;
      }
      assertThat(Literals.isUtf8(b))
          .as("seed %s, %s", seed, java.util.HexFormat.of().formatHex(b))
          .isEqualTo(jdk);
    }
  }
}
