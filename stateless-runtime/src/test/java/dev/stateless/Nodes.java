package dev.stateless;

import dev.stateless.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Test helper: the caches ("nodes") one test builds, on an in-process server layer or on the test
 * class's real redis-server, all closed after the test.
 */
final class Nodes {
  /** Where the server layer lives. */
  enum Kind {
    IN_PROCESS,
    REDIS
  }

  private final RedisServerExtension redis;
  private final List<StatelessCache> open = new ArrayList<>();

  Nodes(RedisServerExtension redis) {
    this.redis = redis;
  }

  /** Builds a cache whose server layer is of the given kind, configured further by config. */
  StatelessCache build(Kind kind, Consumer<StatelessCache.Builder> config) {
    StatelessCache.Builder b = StatelessCache.builder();
    if (kind == Kind.REDIS) {
      b.server(Stores.redis(redis.uri()));
    }
    config.accept(b);
    return add(b.build());
  }

  /** Closes this cache with the others after the test. */
  StatelessCache add(StatelessCache c) {
    open.add(c);
    return c;
  }

  void closeAll() {
    open.forEach(StatelessCache::close);
    open.clear();
  }
}
