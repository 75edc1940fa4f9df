package dev.stateless;

import dev.stateless.testing.RedisServerExtension;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts the data commands a redis-server ran, from {@code INFO commandstats}. The invalidation
 * readers poll all the time ({@code XREAD}, {@code HGET}, {@code HGETALL}, {@code XREVRANGE}), so
 * only commands that read or write cached data are counted.
 */
final class CommandStats {
  /** Commands that touch data: what a read served in-process must not send. */
  static final Set<String> DATA =
      Set.of(
          "get",
          "mget",
          "getex",
          "set",
          "pttl",
          "ttl",
          "type",
          "exists",
          "scan",
          "keys",
          "eval",
          "evalsha",
          "eval_ro",
          "evalsha_ro",
          "fcall",
          "fcall_ro");

  private CommandStats() {}

  /** Calls per data command since the server started (commands run by scripts included). */
  static Map<String, Long> dataCalls(RedisServerExtension redis) {
    String info = redis.command("INFO", "commandstats");
    Map<String, Long> calls = new TreeMap<>();
    for (String line : info.split("\r?\n")) {
      // cmdstat_get:calls=3,usec=10,usec_per_call=3.33,...
      int colon = line.indexOf(':');
      if (!line.startsWith("cmdstat_") || colon < 0) {
        continue;
      }
      String name = line.substring("cmdstat_".length(), colon);
      int at = line.indexOf("calls=", colon);
      int end = line.indexOf(',', at);
      if (DATA.contains(name) && at >= 0) {
        calls.put(name, Long.parseLong(line.substring(at + 6, end < 0 ? line.length() : end)));
      }
    }
    return calls;
  }

  /** The total of {@link #dataCalls}. */
  static long total(RedisServerExtension redis) {
    return dataCalls(redis).values().stream().mapToLong(Long::longValue).sum();
  }
}
