package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.core.Manifest;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seed 003 §5, cold start amplification, on a real node: a {@code prefetch} component's keys are
 * warmed into the node when it starts, so the first reads of them are served from the node's
 * memory, none from its upstream Redis.
 */
class EdgePrefetchIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int KEYS = 20;

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Manifest MANIFEST =
      Manifest.parse(
          "warm.yaml",
          String.join(
              "\n",
              "components:",
              "  popular:",
              "    owns: popular:*",
              "    prefetch: popular:*",
              "    backfill: true",
              "  cold:",
              "    owns: cold:*",
              ""));

  /** The sum of the samples of a counter whose labels include {@code label}. */
  private static double sum(String scrape, String name, String label) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$")
            .matcher(scrape);
    double total = 0;
    while (m.find()) {
      if (m.group(1).contains(label)) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  private static String scrape(EdgeNode node) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.metricsPort() + "/metrics"))
                .timeout(TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void aPrefetchComponentsKeys_areServedFromTheNodeFromItsFirstRead() throws Exception {
    // The data, written by an SDK node as an application would (so the owner's key index has it).
    try (StatelessCache app =
        StatelessCache.builder().manifest(MANIFEST).server(Stores.redis(redis.uri())).build()) {
      for (int i = 0; i < KEYS; i++) {
        app.sync().set("popular:" + i, "p" + i);
        app.sync().set("cold:" + i, "c" + i);
      }
    }
    try (EdgeNode node =
        EdgeNode.builder()
            .port(0)
            .metricsPort(0)
            .manifest(MANIFEST)
            .defaultUserActsForAllOwners(true)
            .upstream(redis.uri())
            .start()) {
      String before = scrape(node);
      RedisClient client = EdgeKeysIT.client(node, ProtocolVersion.RESP3);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        RedisCommands<String, String> r = connection.sync();
        for (int i = 0; i < KEYS; i++) {
          assertThat(r.get("popular:" + i)).isEqualTo("p" + i);
        }
        String warm = scrape(node);
        assertThat(
                sum(warm, "cache_gets_total", "layer=\"server\"")
                    - sum(before, "cache_gets_total", "layer=\"server\""))
            .as("reads of prefetched keys that reached the upstream")
            .isZero();
        // The control: keys of a component without prefetch are read from the upstream.
        for (int i = 0; i < KEYS; i++) {
          assertThat(r.get("cold:" + i)).isEqualTo("c" + i);
        }
        assertThat(
                sum(scrape(node), "cache_gets_total", "layer=\"server\"")
                    - sum(warm, "cache_gets_total", "layer=\"server\""))
            .isEqualTo(KEYS);
      } finally {
        client.shutdown(Duration.ZERO, TIMEOUT);
      }
    }
  }
}
