package dev.stateless.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stateless.StatelessCache;
import dev.stateless.spring.shop.ShopApplication;
import dev.stateless.spring.shop.UserService;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The actuator endpoints of an application on a real redis-server, over HTTP: the {@code stateless}
 * health (UP, then DOWN once redis-server is stopped) and the runtime's {@code cache.gets} meter
 * per component.
 */
@SpringBootTest(
    classes = ShopApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "stateless.manifest.class-name=dev.stateless.spring.shop.ShopCache",
      "management.endpoints.web.exposure.include=health,metrics",
      "management.endpoint.health.show-details=always"
    })
@DirtiesContext
class ActuatorIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  @DynamicPropertySource
  static void redisUri(DynamicPropertyRegistry registry) {
    registry.add("stateless.server.uri", () -> redis.uri() + "?timeout=1s");
  }

  @Autowired TestRestTemplate http;
  @Autowired UserService users;
  @Autowired MeterRegistry registry;
  @Autowired StatelessCache cache;

  /** A test that stopped redis-server leaves it restarted (the extension): wait for the cache. */
  @BeforeEach
  void connected() {
    Await.until(
        "the cache reaches redis-server", Duration.ofSeconds(15), () -> cache.status().healthy());
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** GETs a path: its status and its body as JSON. */
  private Reply get(String path) {
    ResponseEntity<String> r = http.getForEntity(path, String.class);
    try {
      return new Reply(r.getStatusCode().value(), JSON.readTree(r.getBody()));
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON from " + path + ": " + r.getBody(), e);
    }
  }

  private record Reply(int status, JsonNode body) {}

  @Test
  void health_isUpWithEachLayer_thenDownOnceRedisIsStopped() {
    Reply up = get("/actuator/health");
    assertThat(up.status()).isEqualTo(200);
    JsonNode stateless = up.body().path("components").path("stateless");
    assertThat(stateless.path("status").asText()).isEqualTo("UP");
    JsonNode details = stateless.path("details");
    assertThat(details.path("pendingWrites").asLong(-1)).isZero();
    JsonNode server = details.path("layers").path("server");
    assertThat(server.path("remote").asBoolean()).isTrue();
    assertThat(server.path("reachable").asBoolean()).isTrue();
    assertThat(server.path("invalidationsLive").asBoolean()).isTrue();
    assertThat(server.path("store").asText()).startsWith("redis://127.0.0.1:" + redis.port());
    assertThat(details.path("layers").path("client").path("store").asText())
        .isEqualTo("in-process");

    redis.stop();

    Reply down =
        Await.value(() -> get("/actuator/health"), r -> r.status() == 503, Duration.ofSeconds(15));
    assertThat(down.status()).isEqualTo(503);
    JsonNode gone = down.body().path("components").path("stateless");
    assertThat(gone.path("status").asText()).isEqualTo("DOWN");
    assertThat(gone.path("details").path("layers").path("server").path("reachable").asBoolean())
        .isFalse();
  }

  @Test
  void metrics_cacheGets_perComponent() {
    users.name(11); // a miss, then a write
    users.name(11); // a hit

    Reply r = get("/actuator/metrics/cache.gets?tag=cache:users");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("measurements").path(0).path("value").asDouble())
        .isGreaterThanOrEqualTo(2);
    List<String> tags = new ArrayList<>();
    r.body().path("availableTags").forEach(t -> tags.add(t.path("tag").asText()));
    assertThat(tags).contains("layer", "result", "name");

    Reply hits = get("/actuator/metrics/cache.gets?tag=cache:users&tag=result:hit");
    assertThat(hits.status()).isEqualTo(200);
    assertThat(hits.body().path("measurements").path(0).path("value").asDouble())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void everyCacheMeter_hasOneSetOfTagKeys_noCacheManagerTag() {
    for (String name : List.of("cache.gets", "cache.puts", "cache.evictions", "cache.size")) {
      Set<Set<String>> keySets = new HashSet<>();
      for (Meter m : registry.find(name).meters()) {
        Set<String> keys = new HashSet<>();
        m.getId().getTags().forEach(t -> keys.add(t.getKey()));
        keySets.add(keys);
      }
      assertThat(keySets).as(name).hasSize(1);
      assertThat(keySets.iterator().next()).as(name).doesNotContain("cache.manager");
    }
  }
}
