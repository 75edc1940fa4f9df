package dev.stateless.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stateless.core.Literals;
import dev.stateless.internal.redis.LettuceClients;
import dev.stateless.internal.redis.RedisExceptions;
import dev.stateless.internal.redis.RedisKeys;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValueScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one-time conversion of values stateless 0.1.0 wrote with a one-byte type tag ({@code s} text,
 * {@code b} bytes, {@code l}/{@code i}/{@code h}/{@code y}/{@code I} integers, {@code d}/{@code
 * f}/{@code D} decimals, {@code z} booleans, {@code H} hashes) into the forms every Redis client
 * reads (see {@code docs/values.md}): the text, the bytes, decimal text, a hash as a JSON object.
 *
 * <p>Only keys listed in stateless's own key indexes are read, so values other programs wrote are
 * never touched; a key is rewritten (its TTL kept) only if it still holds the value read. Run it
 * once, with the 0.1.0 nodes stopped and before any newer node writes.
 */
public final class TaggedValues {
  private TaggedValues() {}

  /** The 0.1.0 codec's tags. */
  private static final String NUMBER_TAGS = "lihyIdfD";

  private static final String SWAP =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then"
          + " redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') return 1 end return 0";

  /**
   * What a migration did (or, dry, would do).
   *
   * @param seen keys read from the indexes that hold a string value
   * @param converted keys rewritten without their tag (or, dry, that would be)
   * @param untouched keys whose value is no 0.1.0 tagged value, left as they are
   * @param examples a few converted keys, for the log
   */
  public record Report(long seen, long converted, long untouched, List<String> examples) {
    /**
     * Copies the examples.
     *
     * @param seen keys read from the indexes that hold a string value
     * @param converted keys rewritten without their tag (or, dry, that would be)
     * @param untouched keys whose value is no 0.1.0 tagged value, left as they are
     * @param examples a few converted keys, for the log
     */
    public Report {
      examples = List.copyOf(examples);
    }
  }

  /**
   * Converts every tagged value stateless 0.1.0 wrote to a Redis.
   *
   * @param redisUri the Redis, as {@code Stores.redis} takes it
   * @param dryRun only count what would be converted
   * @return what was converted
   * @throws dev.stateless.CacheNetworkException (SL100) when Redis cannot be reached
   */
  public static Report migrate(String redisUri, boolean dryRun) {
    Objects.requireNonNull(redisUri, "redisUri");
    RedisURI uri;
    try {
      uri = RedisURI.create(redisUri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "malformed Redis URI (argument redisUri of TaggedValues.migrate): " + e.getMessage(), e);
    }
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
      return run(c.sync(), dryRun);
    } catch (RuntimeException e) {
      throw RedisExceptions.fromLettuce(uri.toString(), uri.getTimeout(), e);
    } finally {
      LettuceClients.shutdown(client, Duration.ofSeconds(2));
    }
  }

  private static Report run(RedisCommands<byte[], byte[]> redis, boolean dryRun) {
    long seen = 0;
    long converted = 0;
    long untouched = 0;
    List<String> examples = new ArrayList<>();
    byte[] script = SWAP.getBytes(StandardCharsets.UTF_8);
    ScanArgs indexes = ScanArgs.Builder.matches(RedisKeys.LEGACY_INDEX_GLOB);
    KeyScanCursor<byte[]> keys = redis.scan(indexes);
    while (true) {
      for (byte[] index : keys.getKeys()) {
        ScoredValueScanCursor<byte[]> members = redis.zscan(index);
        while (true) {
          for (var m : members.getValues()) {
            byte[] key = m.getValue();
            byte[] old;
            try {
              old = redis.get(key);
            } catch (RedisCommandExecutionException e) {
              if (String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                continue; // not a string value: never written by 0.1.0's codec
              }
              throw e;
            }
            if (old == null) {
              continue;
            }
            seen++;
            byte @Nullable [] now = untagged(old);
            if (now == null) {
              untouched++;
              continue;
            }
            boolean done =
                dryRun
                    || Long.valueOf(1)
                        .equals(
                            redis.eval(
                                script, ScriptOutputType.INTEGER, new byte[][] {key}, old, now));
            if (done) {
              converted++;
              if (examples.size() < 5) {
                examples.add(new String(key, StandardCharsets.UTF_8));
              }
            }
          }
          if (members.isFinished()) {
            break;
          }
          members = redis.zscan(index, members);
        }
      }
      if (keys.isFinished()) {
        break;
      }
      keys = redis.scan(ScanCursor.of(keys.getCursor()), indexes);
    }
    return new Report(seen, converted, untouched, examples);
  }

  /** A 0.1.0 value without its tag, or null when the bytes are no such value. */
  static byte @Nullable [] untagged(byte[] v) {
    if (v.length == 0) {
      return null;
    }
    byte tag = v[0];
    byte[] rest = java.util.Arrays.copyOfRange(v, 1, v.length);
    if (tag == 'b') {
      return rest;
    }
    if (tag == 's') {
      return Literals.isUtf8(rest) ? rest : null;
    }
    if (tag == 'z') {
      String t = new String(rest, StandardCharsets.US_ASCII);
      return t.equals("true") || t.equals("false") ? rest : null;
    }
    if (NUMBER_TAGS.indexOf(tag) >= 0) {
      String t = new String(rest, StandardCharsets.US_ASCII);
      if (rest.length == 0 || rest.length > 400) {
        return null;
      }
      try {
        if ("lihyI".indexOf(tag) >= 0) {
          if (!t.matches("-?[0-9]+")) {
            return null;
          }
        } else if (tag == 'D') {
          new BigDecimal(t);
        } else {
          Double.parseDouble(t);
        }
      } catch (NumberFormatException e) {
        return null;
      }
      return rest;
    }
    if (tag == 'H') {
      Map<String, String> hash = hash(v);
      if (hash == null) {
        return null;
      }
      try {
        return new ObjectMapper().writeValueAsBytes(hash);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a map of texts has a JSON form", e);
      }
    }
    return null;
  }

  /** A 0.1.0 hash: 4-byte big-endian lengths and UTF-8 texts, key then value, to the end. */
  private static @Nullable Map<String, String> hash(byte[] v) {
    Map<String, String> map = new LinkedHashMap<>();
    int i = 1;
    while (i < v.length) {
      String[] kv = new String[2];
      for (int k = 0; k < 2; k++) {
        if (i + 4 > v.length) {
          return null;
        }
        int n = ByteBuffer.wrap(v, i, 4).getInt();
        i += 4;
        if (n < 0 || n > v.length - i) {
          return null;
        }
        byte[] text = java.util.Arrays.copyOfRange(v, i, i + n);
        if (!Literals.isUtf8(text)) {
          return null;
        }
        kv[k] = new String(text, StandardCharsets.UTF_8);
        i += n;
      }
      map.put(kv[0], kv[1]);
    }
    return map;
  }
}
