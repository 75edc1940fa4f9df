package dev.stateless.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.edge.EdgeNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated RESP sent to a live node over many connections at once, while a Lettuce
 * client keeps calling it: every fuzz connection gets whole replies and then an orderly close, and
 * the well-behaved client is served throughout.
 */
class ProtocolFuzzIT {
  private static final long SEED = Long.getLong("stateless.fuzz.seed", 0x5eed_ed6eL);
  private static final int CONNECTIONS = Integer.getInteger("stateless.fuzz.connections", 400);

  @Test
  void fuzzedConnections_doNotDisturbOtherClients() throws Exception {
    try (EdgeNode node =
        EdgeNode.builder()
            .port(0)
            .protoMaxBulkLen(2_000)
            .maxMultibulkLength(50)
            .clientQueryBufferLimit(20_000)
            .start()) {
      RedisClient lettuce =
          RedisClient.create(
              RedisURI.builder()
                  .withHost("127.0.0.1")
                  .withPort(node.port())
                  .withTimeout(Duration.ofSeconds(30))
                  .build());
      AtomicBoolean fuzzing = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try (StatefulRedisConnection<String, String> good = lettuce.connect()) {
        CompletableFuture<Integer> pings =
            CompletableFuture.supplyAsync(
                () -> {
                  int n = 0;
                  while (fuzzing.get()) {
                    assertThat(good.sync().echo("still-" + n)).isEqualTo("still-" + n);
                    n++;
                  }
                  return n;
                });
        List<Future<?>> fuzzers = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
          long seed = SEED + i;
          fuzzers.add(pool.submit(() -> fuzzOne(node.port(), seed)));
        }
        for (Future<?> fuzzer : fuzzers) {
          fuzzer.get(60, TimeUnit.SECONDS);
        }
        fuzzing.set(false);
        assertThat(pings.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(good.sync().ping()).isEqualTo("PONG");
      } finally {
        pool.shutdownNow();
        lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(10));
      }
    }
  }

  private static Void fuzzOne(int port, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] input =
        random.nextInt(10) == 0 ? RespFuzz.randomBytes(random) : RespFuzz.mutated(random);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      CompletableFuture<byte[]> replies =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  InputStream in = socket.getInputStream();
                  return in.readAllBytes();
                } catch (IOException e) {
                  return ("(" + e + ")").getBytes(StandardCharsets.ISO_8859_1);
                }
              });
      try {
        socket.getOutputStream().write(input);
        socket.shutdownOutput(); // the node sees the end of input and closes its side
      } catch (IOException closedEarly) {
        // the node closed after a protocol error while we were still sending: allowed
      }
      String out = new String(replies.join(), StandardCharsets.ISO_8859_1);
      if (!out.startsWith("(java.net.SocketException: Connection reset")) {
        RespReplies.count(out); // whole replies only
      }
    }
    return null;
  }
}
