package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.EdgeChannels.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ServerCommandsTest {

  private final NodeContext node = EdgeChannels.node(EdgeChannels.config());
  private final EmbeddedChannel ch = EdgeChannels.open(node);

  @Test
  void commandCount_isTheTableSize() {
    assertThat(call(ch, "COMMAND", "COUNT")).isEqualTo(":" + node.table().size() + "\r\n");
    assertThat(node.table().size()).isEqualTo(21);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void commandInfo_hasRedis7sTenFields() {
    assertThat(call(ch, "COMMAND", "INFO", "ping", "nope"))
        .isEqualTo(
            "*2\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
                + "*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n$-1\r\n");
    call(ch, "HELLO", "3");
    assertThat(call(ch, "COMMAND", "INFO", "client|setname"))
        .startsWith("*1\r\n*10\r\n$14\r\nclient|setname\r\n:3\r\n~");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void command_listsEveryCommand() {
    String all = call(ch, "COMMAND");
    assertThat(all).startsWith("*21\r\n");
    for (String name :
        new String[] {
          "ping",
          "echo",
          "hello",
          "auth",
          "client",
          "config",
          "info",
          "cluster",
          "asking",
          "subscribe",
          "publish"
        }) {
      assertThat(all).contains("$" + name.length() + "\r\n" + name + "\r\n");
    }
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void commandDocs_mapsNamesToDocs() {
    call(ch, "HELLO", "3");
    assertThat(call(ch, "COMMAND", "DOCS", "echo"))
        .isEqualTo(
            "%1\r\n$4\r\necho\r\n%3\r\n$7\r\nsummary\r\n$25\r\nReturns the given string.\r\n"
                + "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void configGet_answersWhatBenchmarksAndClientsAsk() {
    assertThat(call(ch, "CONFIG", "GET", "save")).isEqualTo("*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
    assertThat(call(ch, "CONFIG", "GET", "appendonly"))
        .isEqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
    assertThat(call(ch, "config", "get", "MAXMEMORY*"))
        .isEqualTo(
            "*4\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
    assertThat(call(ch, "CONFIG", "GET", "nothing-like-this")).isEqualTo("*0\r\n");
    assertThat(call(ch, "CONFIG", "GET"))
        .isEqualTo("-ERR wrong number of arguments for 'config|get' command\r\n");
    call(ch, "HELLO", "3");
    assertThat(call(ch, "CONFIG", "GET", "databases"))
        .isEqualTo("%1\r\n$9\r\ndatabases\r\n$1\r\n1\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void info_hasRealSections() {
    call(ch, "PING");
    String info = call(ch, "INFO");
    assertThat(info)
        .contains("# Server\r\nredis_version:7.2.0\r\n")
        .contains("redis_mode:standalone\r\n")
        .contains("\r\n\r\n# Clients\r\nconnected_clients:1\r\n")
        .contains("# Stats\r\n")
        .contains("total_commands_processed:2\r\n")
        .endsWith("# Keyspace\r\n\r\n");
    assertThat(call(ch, "INFO", "clients"))
        .startsWith("$")
        .contains("# Clients")
        .doesNotContain("# Server");
    assertThat(call(ch, "INFO", "nope")).isEqualTo("$0\r\n\r\n");
    call(ch, "HELLO", "3");
    assertThat(call(ch, "INFO", "keyspace")).isEqualTo("=16\r\ntxt:# Keyspace\r\n\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void glob_matchesAsRedis() {
    assertThat(Glob.matches("max*", "maxmemory", true)).isTrue();
    assertThat(Glob.matches("MAX?EMORY", "maxmemory", true)).isTrue();
    assertThat(Glob.matches("[a-c]ind", "bind", true)).isTrue();
    assertThat(Glob.matches("[^a-c]ind", "bind", true)).isFalse();
    assertThat(Glob.matches("save", "saves", true)).isFalse();
    assertThat(Glob.matches("\\*", "*", false)).isTrue();
    assertThat(Glob.matches("*", "", false)).isTrue();
    assertThat(ch.finish()).isFalse();
  }
}
