package dev.stateless.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two providers (two runtimes, each with its own in-process client layer and Redis connections, as
 * two JVMs have) over one real redis-server: each sees the other's writes and expiries.
 */
class TwoProvidersIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private final CachingProvider one = new StatelessCachingProvider();
  private final CachingProvider two = new StatelessCachingProvider();
  private CacheManager managerOne;
  private CacheManager managerTwo;

  @BeforeEach
  void managers() {
    URI uri = URI.create(redis.uri());
    managerOne = one.getCacheManager(uri, getClass().getClassLoader());
    managerTwo = two.getCacheManager(uri, getClass().getClassLoader());
  }

  @AfterEach
  void close() {
    one.close();
    two.close();
  }

  @Test
  void put_onOneProvider_isSeenOnTheOther() {
    Cache<String, String> first = managerOne.createCache("users", config());
    Cache<String, String> second = managerTwo.createCache("users", config());

    first.put("ada", "Lovelace");
    assertThat(second.get("ada")).isEqualTo("Lovelace");

    second.put("ada", "Byron");
    Await.until(
        "the first provider reads the second's update",
        Duration.ofSeconds(10),
        () -> "Byron".equals(first.get("ada")));

    first.remove("ada");
    Await.until(
        "the second provider sees the removal",
        Duration.ofSeconds(10),
        () -> !second.containsKey("ada"));
  }

  @Test
  void expiryPolicy_isHonouredOnBoth() {
    MutableConfiguration<String, String> expiring =
        config()
            .setExpiryPolicyFactory(
                FactoryBuilder.factoryOf(
                    new CreatedExpiryPolicy(
                        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 300))));
    Cache<String, String> first = managerOne.createCache("sessions", expiring);
    Cache<String, String> second = managerTwo.createCache("sessions", expiring);

    first.put("s1", "token");
    assertThat(second.get("s1")).isEqualTo("token");

    Await.until(
        "the entry expires on the second provider",
        Duration.ofSeconds(10),
        () -> second.get("s1") == null);
    assertThat(first.get("s1")).isNull();
    assertThat(first.containsKey("s1")).isFalse();
  }

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
