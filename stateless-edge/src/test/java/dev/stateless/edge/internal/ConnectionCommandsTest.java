package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.EdgeChannels.call;
import static dev.stateless.edge.internal.EdgeChannels.command;
import static dev.stateless.edge.internal.EdgeChannels.replies;
import static dev.stateless.edge.internal.EdgeChannels.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The commands over the whole pipeline, RESP bytes in and out, replies as redis-server 7's. */
class ConnectionCommandsTest {

  private final NodeContext node = EdgeChannels.node(EdgeChannels.config());

  private EmbeddedChannel open() {
    return EdgeChannels.open(node);
  }

  private static EmbeddedChannel openWithPassword(String password) {
    return EdgeChannels.open(
        EdgeChannels.node(EdgeChannels.config(password, ProtocolLimits.DEFAULTS, 100)));
  }

  @Test
  void ping_andPingWithMessage() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "PING")).isEqualTo("+PONG\r\n");
    assertThat(call(ch, "ping", "hi")).isEqualTo("$2\r\nhi\r\n");
    assertThat(call(ch, "PING", "a", "b"))
        .isEqualTo("-ERR wrong number of arguments for 'ping' command\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void inlinePing() {
    EmbeddedChannel ch = open();
    send(ch, "PING\r\nPING\n");
    assertThat(replies(ch)).isEqualTo("+PONG\r\n+PONG\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void echo() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "ECHO", "hello world")).isEqualTo("$11\r\nhello world\r\n");
    assertThat(call(ch, "ECHO")).isEqualTo("-ERR wrong number of arguments for 'echo' command\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void unknownCommand_isRedisErrorAndConnectionStaysUsable() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "FOO", "a", "b"))
        .isEqualTo("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
    assertThat(call(ch, "foo"))
        .isEqualTo("-ERR unknown command 'foo', with args beginning with: \r\n");
    assertThat(call(ch, "PING")).isEqualTo("+PONG\r\n");
    assertThat(ch.isActive()).isTrue();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void unknownCommand_quotesAtMost128CharactersOfArguments() {
    EmbeddedChannel ch = open();
    String reply = call(ch, "nope", "x".repeat(200), "y");
    assertThat(reply)
        .isEqualTo(
            "-ERR unknown command 'nope', with args beginning with: '"
                + "x".repeat(128)
                + "' \r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void unknownSubcommand_andContainerArity() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "CLIENT", "nope"))
        .isEqualTo("-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n");
    assertThat(call(ch, "client"))
        .isEqualTo("-ERR wrong number of arguments for 'client' command\r\n");
    assertThat(call(ch, "CLIENT", "SETNAME"))
        .isEqualTo("-ERR wrong number of arguments for 'client|setname' command\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void hello3_switchesToResp3AndRepliesWithAMap() {
    EmbeddedChannel ch = open();
    String reply = call(ch, "HELLO", "3");
    assertThat(reply)
        .startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.0\r\n")
        .contains("$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:")
        .endsWith(
            "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo("_\r\n");
    assertThat(call(ch, "HELLO", "2")).startsWith("*14\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void hello_badVersionAndOptions() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "HELLO", "4")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
    assertThat(call(ch, "HELLO", "x"))
        .isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
    assertThat(call(ch, "HELLO", "3", "FOO"))
        .isEqualTo("-ERR Syntax error in HELLO option 'FOO'\r\n");
    assertThat(call(ch, "HELLO", "3", "SETNAME", "my name"))
        .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
    assertThat(call(ch, "HELLO", "3", "SETNAME", "app")).startsWith("%7\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo("$3\r\napp\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void requirepass_refusesCommandsUntilAuth() {
    EmbeddedChannel ch = openWithPassword("s3cret");
    assertThat(call(ch, "PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
    assertThat(call(ch, "NOPE")).startsWith("-ERR unknown command 'NOPE'");
    assertThat(call(ch, "ECHO")).isEqualTo("-ERR wrong number of arguments for 'echo' command\r\n");
    assertThat(call(ch, "HELLO", "3"))
        .startsWith("-NOAUTH HELLO must be called with the client already authenticated");
    assertThat(call(ch, "AUTH", "wrong"))
        .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assertThat(call(ch, "AUTH", "someone", "s3cret"))
        .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assertThat(call(ch, "AUTH", "s3cret")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "PING")).isEqualTo("+PONG\r\n");
    assertThat(call(ch, "RESET")).isEqualTo("+RESET\r\n");
    assertThat(call(ch, "PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
    assertThat(call(ch, "AUTH", "default", "s3cret")).isEqualTo("+OK\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void helloWithAuth_authenticatesAndSwitchesProtocol() {
    EmbeddedChannel ch = openWithPassword("s3cret");
    assertThat(call(ch, "HELLO", "3", "AUTH", "default", "bad"))
        .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assertThat(call(ch, "HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "svc"))
        .startsWith("%7\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo("$3\r\nsvc\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void auth_withoutPasswordConfigured() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "AUTH", "x"))
        .isEqualTo(
            "-ERR AUTH <password> called without any password configured for the default user."
                + " Are you sure your configuration is correct?\r\n");
    assertThat(call(ch, "AUTH", "default", "anything")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "AUTH", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void clientNameIdInfoSetinfo() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "CLIENT", "SETNAME", "worker-1")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo("$8\r\nworker-1\r\n");
    assertThat(call(ch, "CLIENT", "SETNAME", "bad name"))
        .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
    assertThat(call(ch, "client", "id")).matches(":\\d+\r\n");
    assertThat(call(ch, "CLIENT", "SETINFO", "lib-name", "lettuce")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "CLIENT", "SETINFO", "LIB-VER", "7.0")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "CLIENT", "SETINFO", "other", "x"))
        .isEqualTo("-ERR Unrecognized option 'other'\r\n");
    assertThat(call(ch, "CLIENT", "SETINFO", "lib-name", "a b"))
        .isEqualTo("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
    String info = call(ch, "CLIENT", "INFO");
    assertThat(info)
        .startsWith("$")
        .contains(" name=worker-1 ", " cmd=client|info ", " resp=2 ", " lib-name=lettuce ")
        .contains(" lib-ver=7.0\n");
    assertThat(call(ch, "CLIENT", "SETNAME", "")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void clientList_andKill() {
    EmbeddedChannel first = open();
    EmbeddedChannel second = open();
    call(second, "CLIENT", "SETNAME", "victim");
    String list = call(first, "CLIENT", "LIST");
    assertThat(list).contains(" name=victim ").contains("id=");
    assertThat(call(first, "CLIENT", "LIST", "TYPE", "pubsub")).isEqualTo("$0\r\n\r\n");
    assertThat(call(first, "CLIENT", "LIST", "TYPE", "bogus"))
        .isEqualTo("-ERR Unknown client type 'bogus'\r\n");
    String id = call(second, "CLIENT", "ID").replaceAll("[:\r\n]", "");
    assertThat(call(first, "CLIENT", "KILL", "ID", id)).isEqualTo(":1\r\n");
    second.runPendingTasks();
    assertThat(second.isActive()).isFalse();
    assertThat(call(first, "CLIENT", "KILL", "1.2.3.4:5")).isEqualTo("-ERR No such client\r\n");
    assertThat(call(first, "CLIENT", "KILL", "ID", "0"))
        .isEqualTo("-ERR client-id should be greater than 0\r\n");
    assertThat(call(first, "CLIENT", "KILL", "ID", "5", "SKIPME"))
        .isEqualTo("-ERR syntax error\r\n");
    assertThat(call(first, "CLIENT", "KILL", "ID")).isEqualTo("-ERR No such client\r\n");
    assertThat(first.finish()).isFalse();
    second.finishAndReleaseAll();
  }

  @Test
  void select() {
    EmbeddedChannel ch = open();
    assertThat(call(ch, "SELECT", "0")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "SELECT", "1")).isEqualTo("-ERR DB index is out of range\r\n");
    assertThat(call(ch, "SELECT", "x"))
        .isEqualTo("-ERR value is not an integer or out of range\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void quit_repliesThenCloses_ignoringLaterRequests() {
    EmbeddedChannel ch = open();
    send(ch, command("PING") + command("QUIT") + command("PING"));
    assertThat(replies(ch)).isEqualTo("+PONG\r\n+OK\r\n");
    assertThat(ch.isActive()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void pipeline_answersInOrder_thenProtocolErrorCloses() {
    EmbeddedChannel ch = open();
    StringBuilder requests = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      requests.append(command("ECHO", Integer.toString(i)));
      expected
          .append('$')
          .append(Integer.toString(i).length())
          .append("\r\n")
          .append(i)
          .append("\r\n");
    }
    requests.append("*1\r\n+bad\r\n").append(command("PING"));
    send(ch, requests.toString());
    assertThat(replies(ch)).isEqualTo(expected + "-ERR Protocol error: expected '$', got '+'\r\n");
    assertThat(ch.isActive()).isFalse();
    assertThat(node.stats().protocolErrors()).isEqualTo(1);
    ch.finishAndReleaseAll();
  }

  @Test
  void pipeline_repliesShareBuffers() {
    EmbeddedChannel ch = open();
    send(ch, command("PING").repeat(10_000)); // 70,000 bytes of replies
    int buffers = 0;
    int bytes = 0;
    for (Object msg; (msg = ch.readOutbound()) != null; ) {
      io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
      buffers++;
      bytes += buf.readableBytes();
      buf.release();
    }
    assertThat(bytes).isEqualTo(70_000);
    assertThat(buffers).isLessThanOrEqualTo(70_000 / RespReplyEncoder.BATCH_BYTES + 1);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void maxClients_refusesTheNextConnection() {
    NodeContext small = EdgeChannels.node(EdgeChannels.config(null, ProtocolLimits.DEFAULTS, 1));
    EmbeddedChannel first = EdgeChannels.open(small);
    EmbeddedChannel second = EdgeChannels.open(small);
    assertThat(replies(second)).isEqualTo("-ERR max number of clients reached\r\n");
    assertThat(second.isActive()).isFalse();
    assertThat(call(first, "PING")).isEqualTo("+PONG\r\n");
    first.close();
    EmbeddedChannel third = EdgeChannels.open(small);
    assertThat(call(third, "PING")).isEqualTo("+PONG\r\n");
    first.finishAndReleaseAll();
    second.finishAndReleaseAll();
    assertThat(third.finish()).isFalse();
  }
}
