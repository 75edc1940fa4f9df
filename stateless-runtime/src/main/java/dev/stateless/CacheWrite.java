package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Rights;
import dev.stateless.internal.ScopedEntries;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The result of a {@code set}: a future of whether the value was written, to which a cleanup
 * callback can be attached for entries with a {@code SESSION} lifetime, as in {@code
 * session.set("session:123", data).withCleanup(this::logout)}. When the session ends (the session
 * view is closed, see {@link StatelessCache#session()}) the entry is deleted and then the callback
 * runs; for writes through the cache itself that is when the cache is closed.
 *
 * <p>Futures derived from this one ({@code thenApply} and the like) are plain {@link
 * CompletableFuture}s. Only the write completes it: {@link #complete}, {@link #completeAsync} and
 * {@link #completeOnTimeout} and the {@code obtrude} methods throw {@link
 * UnsupportedOperationException}.
 */
public final class CacheWrite extends CompletableFuture<Boolean> {
  private final ScopedEntries entries;
  private final String key;
  private final Rights rights;
  private final @Nullable CacheLayer via;

  CacheWrite(ScopedEntries entries, String key, Rights rights, @Nullable CacheLayer via) {
    this.entries = entries;
    this.key = key;
    this.rights = rights;
    this.via = via;
  }

  /**
   * Registers what to do when the entry's session ends, after the entry is deleted. A session entry
   * without one is an error (SL010), reported by the checker at compile time and, at run time, when
   * the session ends.
   *
   * @param cleanup the callback; it runs once, on the thread that ends the session
   * @return this write
   * @throws InvalidStateException SL105 when the session has ended
   * @throws NullPointerException if {@code cleanup} is null
   */
  public CacheWrite withCleanup(Runnable cleanup) {
    java.util.Objects.requireNonNull(cleanup, "cleanup");
    entries.cleanup(key, rights, via, cleanup, this);
    return this;
  }

  /** Completes with the write's answer. */
  void settle(Boolean written) {
    super.complete(written);
  }

  /** Completes with the write's failure. */
  void fail(Throwable failure) {
    super.completeExceptionally(failure);
  }

  /**
   * Not supported: a write's result comes from the write.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public boolean complete(Boolean value) {
    throw notYours();
  }

  /**
   * Not supported: a write's result comes from the write.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public CompletableFuture<Boolean> completeAsync(
      Supplier<? extends Boolean> supplier, Executor executor) {
    throw notYours();
  }

  /**
   * Not supported: a write's result comes from the write.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void obtrudeValue(Boolean value) {
    throw notYours();
  }

  /**
   * Not supported: a write's result comes from the write.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void obtrudeException(Throwable ex) {
    throw notYours();
  }

  /**
   * Not supported: a write's result comes from the write.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public CompletableFuture<Boolean> completeOnTimeout(Boolean value, long timeout, TimeUnit unit) {
    throw notYours();
  }

  private static UnsupportedOperationException notYours() {
    return new UnsupportedOperationException(
        "a CacheWrite completes when its write does; derive a future with thenApply instead");
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
