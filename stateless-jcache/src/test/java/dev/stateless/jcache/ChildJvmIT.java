package dev.stateless.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.Await;
import dev.stateless.testing.ChildJvm;
import dev.stateless.testing.RedisServerExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
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

/** This JVM's JCache and another JVM's ({@link JCacheChild}) over one real redis-server. */
class ChildJvmIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private final CachingProvider provider = new StatelessCachingProvider();
  private CacheManager manager;

  @BeforeEach
  void manager() {
    manager = provider.getCacheManager(URI.create(redis.uri()), getClass().getClassLoader());
  }

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void put_inAnotherJvm_isSeenHere() throws Exception {
    Cache<String, String> orders = manager.createCache("orders", config());

    ChildJvm.Result child = child("orders", "put", "o1", "shipped");

    assertThat(child.exitCode()).as(child.output()).isZero();
    assertThat(orders.get("o1")).isEqualTo("shipped");
  }

  @Test
  void expiry_setHere_isHonouredInAnotherJvm() throws Exception {
    MutableConfiguration<String, String> expiring =
        config()
            .setExpiryPolicyFactory(
                FactoryBuilder.factoryOf(
                    new CreatedExpiryPolicy(
                        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 200))));
    Cache<String, String> sessions = manager.createCache("sessions", expiring);
    Cache<String, String> lasting = manager.createCache("lasting", config());
    sessions.put("s1", "token");
    lasting.put("s1", "token");
    Await.until(
        "the entry expires here", Duration.ofSeconds(10), () -> !sessions.containsKey("s1"));

    // Redis still holds the entry (its TTL has a grace period): the other JVM reads the expiry
    // stored with it.
    assertThat(child("sessions", "get", "s1").output()).contains("value=null");
    assertThat(child("lasting", "get", "s1").output()).contains("value=token");
  }

  private static ChildJvm.Result child(String cache, String... operation) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(redis.uri(), cache));
    args.addAll(List.of(operation));
    return ChildJvm.run(List.of(), JCacheChild.class, args, 2);
  }

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
