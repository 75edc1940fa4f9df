package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** redis-cli, a client nobody here wrote, against a live node on a loopback port. */
class RedisCliIT {
  private static EdgeNode node;
  private static EdgeNode secured;

  @BeforeAll
  static void start() {
    node = EdgeNode.builder().port(0).start();
    secured = EdgeNode.builder().port(0).requirepass("s3cret").start();
  }

  @AfterAll
  static void stop() {
    node.close();
    secured.close();
  }

  private static RedisTools.Result cli(EdgeNode target, String stdin, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "-h";
    all[1] = "127.0.0.1";
    all[2] = "-p";
    all[3] = Integer.toString(target.port());
    System.arraycopy(args, 0, all, 4, args.length);
    return RedisTools.run("redis-cli", stdin, 30, all);
  }

  @Test
  void ping_echo_andInfo() {
    assertThat(cli(node, "", "PING").stdout()).isEqualTo("PONG\n");
    assertThat(cli(node, "", "ECHO", "hello world").stdout()).isEqualTo("hello world\n");
    assertThat(cli(node, "", "INFO", "server").stdout()).contains("redis_version:7.2.0");
  }

  @Test
  void resp3_hello() {
    RedisTools.Result result = cli(node, "", "-3", "HELLO", "3");
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("server", "redis", "proto", "3", "standalone");
  }

  /** redis-cli prints an error reply and an empty line, as it does against redis-server 7. */
  @Test
  void unknownCommand_isReportedAndTheSessionGoesOn() {
    RedisTools.Result result = cli(node, "FOO bar\nPING\nCLIENT SETNAME cli\nCLIENT GETNAME\n");
    assertThat(result.stdout())
        .isEqualTo(
            "ERR unknown command 'FOO', with args beginning with: 'bar' \n\nPONG\nOK\ncli\n");
  }

  @Test
  void requirepass_needsAuth() {
    assertThat(cli(secured, "", "PING").stdout()).isEqualTo("NOAUTH Authentication required.\n\n");
    assertThat(cli(secured, "", "--no-auth-warning", "-a", "s3cret", "PING").stdout())
        .isEqualTo("PONG\n");
    RedisTools.Result wrong = cli(secured, "", "--no-auth-warning", "-a", "wrong", "PING");
    assertThat(wrong.stderr())
        .isEqualTo("AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n");
    assertThat(wrong.stdout()).isEqualTo("NOAUTH Authentication required.\n\n");
  }

  @Test
  void configGet_asRedis() {
    assertThat(cli(node, "", "CONFIG", "GET", "save").stdout()).isEqualTo("save\n\n");
    assertThat(cli(node, "", "CONFIG", "GET", "appendonly").stdout()).isEqualTo("appendonly\nno\n");
  }
}
