package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The node's limits and shutdown on real loopback sockets. */
class EdgeNodeIT {

  private static Socket connect(EdgeNode node) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String call(Socket socket, String inline, int replyBytes) throws IOException {
    socket.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return read(socket.getInputStream(), replyBytes);
  }

  private static String read(InputStream in, int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static String cliInfo(EdgeNode node, String section) {
    return RedisTools.run("redis-cli", "", 30, "-p", Integer.toString(node.port()), "INFO", section)
        .stdout();
  }

  @Test
  void clientThatDoesNotRead_isDisconnected_othersAreServed() throws Exception {
    try (EdgeNode node =
        EdgeNode.builder()
            .port(0)
            .clientOutputBufferLimit(64 * 1024)
            .clientOutputBufferTimeout(Duration.ofMillis(300))
            .start()) {
      Socket slow = new Socket();
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
      byte[] payload = "x".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
      byte[] echo =
          ("*2\r\n$4\r\nECHO\r\n$" + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
      CompletableFuture<Throwable> writer =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  OutputStream out = slow.getOutputStream();
                  for (int i = 0; i < 16_384; i++) { // 256 MB of replies, never read
                    out.write(echo);
                    out.write(payload);
                    out.write('\r');
                    out.write('\n');
                  }
                  return new AssertionError("the node took 256 MB from a client that never read");
                } catch (IOException expected) {
                  return expected;
                }
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String stats = "";
      while (System.nanoTime() < deadline) {
        stats = cliInfo(node, "stats");
        if (stats.contains("client_output_buffer_limit_disconnections:1")) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(stats).contains("client_output_buffer_limit_disconnections:1");
      assertThat(writer.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
      try (Socket other = connect(node)) {
        assertThat(call(other, "PING", 7)).isEqualTo("+PONG\r\n");
      }
      slow.close();
    }
  }

  @Test
  void maxClients_refusesTheNextConnectionWithRedisError() throws Exception {
    try (EdgeNode node = EdgeNode.builder().port(0).maxClients(2).start();
        Socket second = connect(node)) {
      Socket first = connect(node);
      assertThat(call(first, "PING", 7)).isEqualTo("+PONG\r\n");
      assertThat(call(second, "PING", 7)).isEqualTo("+PONG\r\n");
      try (Socket third = connect(node)) {
        InputStream in = third.getInputStream();
        assertThat(read(in, 36)).isEqualTo("-ERR max number of clients reached\r\n");
        assertThat(in.read()).isEqualTo(-1);
      }
      first.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String reply = "";
      while (System.nanoTime() < deadline && !reply.equals("+PONG\r\n")) {
        try (Socket fourth = connect(node)) {
          reply = call(fourth, "PING", 7);
        }
      }
      assertThat(reply).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void oversizedBulk_getsProtocolErrorAndIsClosed() throws Exception {
    try (EdgeNode node = EdgeNode.builder().port(0).protoMaxBulkLen(1024).start();
        Socket socket = connect(node)) {
      socket
          .getOutputStream()
          .write("*2\r\n$4\r\nECHO\r\n$1025\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      assertThat(read(in, 42)).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void close_answersWhatWasReadThenClosesConnectionsAndStopsAccepting() throws Exception {
    EdgeNode node = EdgeNode.builder().port(0).start();
    int port = node.port();
    try (Socket idle = connect(node);
        Socket busy = connect(node)) {
      assertThat(call(idle, "PING", 7)).isEqualTo("+PONG\r\n");
      byte[] pings = "PING\r\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
      busy.getOutputStream().write(pings);
      CompletableFuture<byte[]> busyReplies =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return busy.getInputStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      Thread.sleep(50);
      node.close();
      assertThat(idle.getInputStream().read()).isEqualTo(-1);
      byte[] replies = busyReplies.get(30, TimeUnit.SECONDS);
      // Every request the node read is answered in full before the close: no partial reply.
      assertThat(replies.length % 7).isZero();
      assertThat(new String(replies, StandardCharsets.US_ASCII)).doesNotContain("-ERR");
    }
    assertThatThrownBy(
            () -> {
              try (Socket late = new Socket()) {
                late.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void inlineAndMultibulkRequests_mixedOnOneConnection() throws Exception {
    try (EdgeNode node = EdgeNode.builder().port(0).start();
        Socket socket = connect(node)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(
          "ECHO \"a b\"\r\n*2\r\n$4\r\nECHO\r\n$1\r\nc\r\nPING\n"
              .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(out.toByteArray());
      assertThat(read(socket.getInputStream(), 9 + 7 + 7))
          .isEqualTo("$3\r\na b\r\n$1\r\nc\r\n+PONG\r\n");
    }
  }
}
