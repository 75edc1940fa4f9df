/**
 * The stateless runtime: {@link dev.stateless.StatelessCache} over one store per layer, and {@link
 * dev.stateless.redis.RedisAdapter}. Only the API packages are exported; the engine ({@code
 * dev.stateless.internal}, {@code dev.stateless.internal.redis}) is not.
 */
module dev.stateless.runtime {
  requires transitive dev.stateless.core;
  requires com.github.benmanes.caffeine;
  requires io.netty.common;
  requires lettuce.core;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.h2database.mvstore;
  requires org.slf4j;
  requires static micrometer.core;

  exports dev.stateless;
  exports dev.stateless.redis;
}
