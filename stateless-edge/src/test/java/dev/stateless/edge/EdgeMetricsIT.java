package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint: the node's counters, its cache's and the JVM's, scraped over HTTP. */
class EdgeMetricsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static HttpResponse<String> get(int port, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(TIMEOUT)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one sample line of a scrape: {@code name{labels} value}. */
  private static double sample(String scrape, String nameAndLabels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " ([0-9.eE+-]+)$").matcher(scrape);
    assertThat(m.find()).as("a sample %s in:%n%s", nameAndLabels, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void aScrape_countsTheCommandsErrorsAndConnections_andTheCachesReads() throws Exception {
    try (EdgeNode node = EdgeNode.builder().port(0).metricsPort(0).start()) {
      assertThat(node.metricsPort()).isPositive().isNotEqualTo(node.port());
      double before =
          sample(
              get(node.metricsPort(), "/metrics").body(),
              "stateless_edge_commands_processed_total");
      RedisClient client = EdgeKeysIT.client(node, ProtocolVersion.RESP3);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        RedisCommands<String, String> redis = connection.sync();
        for (int i = 0; i < 20; i++) {
          redis.set("k" + i, "v");
          redis.get("k" + i);
        }
        assertThatThrownBy(() -> redis.incr("k0"))
            .isInstanceOf(RedisCommandExecutionException.class);

        HttpResponse<String> scrape = get(node.metricsPort(), "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        String body = scrape.body();
        // 41 commands of this test at least, besides the client's handshake
        assertThat(sample(body, "stateless_edge_commands_processed_total") - before)
            .isGreaterThanOrEqualTo(41);
        assertThat(sample(body, "stateless_edge_error_replies_total")).isGreaterThanOrEqualTo(1);
        assertThat(sample(body, "stateless_edge_connected_clients")).isEqualTo(1);
        assertThat(sample(body, "stateless_edge_connections_received_total"))
            .isGreaterThanOrEqualTo(1);
        assertThat(sample(body, "stateless_edge_net_input_total")).isPositive();
        assertThat(body).contains("cache_gets_total{", "jvm_memory_used_bytes{");
      } finally {
        client.shutdown(Duration.ZERO, TIMEOUT);
      }
      assertThat(get(node.metricsPort(), "/other").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void noMetricsPort_servesNone() {
    try (EdgeNode node = EdgeNode.builder().port(0).start()) {
      assertThat(node.metricsPort()).isEqualTo(-1);
    }
    assertThatThrownBy(() -> EdgeNode.builder().metricsPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metrics port 70000");
  }
}
