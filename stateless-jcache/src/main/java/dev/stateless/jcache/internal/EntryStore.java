package dev.stateless.jcache.internal;

import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.core.StatelessException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * One cache's entries in the runtime: key {@code <cache name>:<the key's bytes, base64url>}, value
 * a {@link Stored}. The runtime's own TTL removes an entry a while after it expires, so that a
 * reader still sees it expired (and reports the expiry) first.
 */
final class EntryStore {
  /** How long after its expiry the runtime drops an entry nobody read. */
  static final long GRACE_MILLIS = 60_000;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SyncCache cache;
  private final String prefix;

  EntryStore(StatelessCache cache, String cacheName) {
    this.cache = cache.sync();
    this.prefix = cacheName + ":";
  }

  String keyOf(byte[] key) {
    return prefix + ENCODER.encodeToString(key);
  }

  byte[] keyBytes(String storeKey) {
    return DECODER.decode(storeKey.substring(prefix.length()));
  }

  @Nullable Stored read(String storeKey) {
    byte[] bytes = call(() -> cache.get(storeKey, byte[].class));
    return bytes == null ? null : Stored.fromBytes(bytes);
  }

  void write(String storeKey, Stored entry, long now) {
    byte[] bytes = entry.toBytes();
    if (entry.expireAt == Stored.ETERNAL) {
      call(() -> cache.set(storeKey, bytes));
    } else {
      long ttl = Math.max(0, entry.expireAt - now) + GRACE_MILLIS;
      call(() -> cache.set(storeKey, bytes, SetOptions.ttl(Duration.ofMillis(ttl))));
    }
  }

  void remove(String storeKey) {
    call(() -> cache.del(storeKey));
  }

  List<String> keys() {
    List<String> keys = call(() -> cache.scan(glob(prefix) + "*"));
    return new ArrayList<>(keys);
  }

  private static String glob(String literal) {
    StringBuilder out = new StringBuilder(literal.length());
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static <T> T call(Supplier<T> operation) {
    try {
      return operation.get();
    } catch (StatelessException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }
}
