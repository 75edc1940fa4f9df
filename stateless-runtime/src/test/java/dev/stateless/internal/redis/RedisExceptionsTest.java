package dev.stateless.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.CacheNetworkException;
import dev.stateless.CacheTimeoutException;
import dev.stateless.CapacityException;
import dev.stateless.InvalidStateException;
import dev.stateless.StaleDataException;
import dev.stateless.VersionConflictException;
import dev.stateless.core.StatelessException;
import io.lettuce.core.RedisCommandExecutionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Error replies to coded exceptions: Redis's own, and an edge node's that carry our codes. */
class RedisExceptionsTest {
  private static RuntimeException mapped(String reply) {
    return RedisExceptions.fromLettuce(
        "edge node redis://127.0.0.1:6380",
        Duration.ofSeconds(2),
        new RedisCommandExecutionException(reply));
  }

  @Test
  void aNodesCodedReply_becomesThatCodeWithTheNodesHelp() {
    RuntimeException e =
        mapped(
            "NOPERM SL002 write to borrowed pattern \"user:*\" (key \"user:1\"); help: borrowed"
                + " data is read-only");
    assertThat(e).isExactlyInstanceOf(StatelessException.class);
    StatelessException s = (StatelessException) e;
    assertThat(s.code()).isEqualTo("SL002");
    assertThat(s.help()).isEqualTo("borrowed data is read-only");
    assertThat(s.getMessage())
        .contains("write to borrowed pattern \"user:*\"")
        .contains("redis://127.0.0.1:6380");
  }

  @Test
  void eachRuntimeCode_keepsTheRuntimesExceptionType() {
    assertThat(mapped("ERR SL100 x; help: y")).isInstanceOf(CacheNetworkException.class);
    assertThat(mapped("ERR SL101 x; help: y")).isInstanceOf(CacheTimeoutException.class);
    assertThat(mapped("ERR SL102 value of 9 bytes; help: y")).isInstanceOf(CapacityException.class);
    assertThat(mapped("ERR SL103 x; help: y")).isInstanceOf(VersionConflictException.class);
    assertThat(mapped("ERR SL104 x; help: y")).isInstanceOf(StaleDataException.class);
    assertThat(mapped("ERR SL105 x")).isInstanceOf(InvalidStateException.class);
    assertThat(((StatelessException) mapped("ERR SL105 x")).help())
        .as("a reply without a help line gets one")
        .isNotBlank();
  }

  @Test
  void aReplyWithoutOurCode_orWithAnUnknownOne_isRedisRefusingTheCommand() {
    for (String reply :
        new String[] {
          "ERR unknown command 'x'", "WRONGTYPE Operation against a key", "ERR SL999 no such code"
        }) {
      RuntimeException e = mapped(reply);
      assertThat(e).as(reply).isInstanceOf(InvalidStateException.class);
      assertThat(((StatelessException) e).code()).isEqualTo("SL105");
      assertThat(e.getMessage()).contains(reply);
    }
    assertThat(mapped("OOM command not allowed")).isInstanceOf(CapacityException.class);
    assertThat(mapped("LOADING Redis is loading")).isInstanceOf(CacheNetworkException.class);
  }
}
