package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import dev.stateless.internal.ScopedEntries;
import dev.stateless.internal.Writes;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The entries of one request: {@link #setScoped} writes an entry that is deleted when the scope
 * closes, also when the request fails. Open it with try-with-resources:
 *
 * <pre>{@code
 * try (RequestScope scope = cache.requestScope()) {
 *   scope.setScoped("req:123", data).join();
 *   ...
 * } // req:123 is gone here
 * }</pre>
 *
 * <p>A scope may write keys no component owns (its temporaries) as well as keys its cache view
 * owns; borrowed keys stay read-only (SL002). Thread-safe; {@link #close()} waits for the scope's
 * writes, then deletes their keys.
 */
public final class RequestScope implements AutoCloseable {
  private final Writes writes;
  private final Rights rights;
  private final @Nullable CacheLayer via;
  private final ScopedEntries entries;

  RequestScope(Writes writes, Rights rights, @Nullable CacheLayer via) {
    this.writes = writes;
    this.rights = rights;
    this.via = via;
    this.entries = new ScopedEntries(writes, "request scope", false);
  }

  /**
   * Writes an entry that lives until the scope closes.
   *
   * @param key the key
   * @param value the value
   * @return {@code true} when written; fails like {@link StatelessCache#set(String, Object)}, and
   *     with SL105 after the scope closed
   */
  public CompletableFuture<Boolean> setScoped(String key, Object value) {
    return setScoped(key, value, SetOptions.none());
  }

  /**
   * Writes an entry that lives until the scope closes (or its TTL ends, if sooner).
   *
   * @param key the key
   * @param value the value
   * @param options a TTL, or a condition
   * @return {@code true} when written, {@code false} when the condition did not hold
   */
  public CompletableFuture<Boolean> setScoped(String key, Object value, SetOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(options, "options");
    try {
      return entries.write(
          key,
          rights,
          via,
          () -> writes.set(Operation.SCOPED_WRITE, rights, via, key, value, options, null));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // closed: nothing was sent
    }
  }

  /**
   * Returns the rights the scope's writes are checked against (lifetime {@code REQUEST}).
   *
   * @return the rights
   */
  Rights rights() {
    return rights;
  }

  /**
   * Deletes every entry the scope wrote, after their writes finished. Closing twice does nothing.
   *
   * @throws dev.stateless.core.StatelessException when a delete failed (such as SL100 when Redis is
   *     down); every other entry is still deleted
   */
  @Override
  public void close() {
    entries.close();
  }
}
