package dev.stateless.internal;

import dev.stateless.OfflineConflict;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where this node's {@link OfflineWrites} live: made at start when the cache has a queue file
 * (draining what an earlier run left), else on the first {@code CLIENT_FIRST} write of a
 * remote-owned key, with a queue in memory.
 */
public final class Offline implements PendingWrites {
  /** Makes the offline writes over a queue; set by the engine once its parts exist. */
  interface Factory {
    OfflineWrites create(OfflineQueue queue, Consumer<OfflineConflict> onConflict);
  }

  private final Lifecycle lifecycle;
  private final @Nullable Path file;
  private final Consumer<OfflineConflict> onConflict;
  private final long removalCommitNanos;

  @SuppressWarnings("NullAway.Init") // set by the engine's constructor, before any write
  private Factory factory;

  private volatile @Nullable OfflineWrites writes;

  Offline(
      Lifecycle lifecycle,
      @Nullable Path file,
      @Nullable Consumer<OfflineConflict> onConflict,
      long removalCommitNanos) {
    this.lifecycle = lifecycle;
    this.file = file;
    this.onConflict = onConflict != null ? onConflict : OfflineWrites::logConflict;
    this.removalCommitNanos = removalCommitNanos;
  }

  void factory(Factory factory) {
    this.factory = factory;
  }

  /** The durable queue file, or null: the queue is in memory. */
  @Nullable Path file() {
    return file;
  }

  @Override
  public boolean any() {
    return writes != null;
  }

  @Override
  public boolean pending(String key) {
    OfflineWrites o = writes;
    return o != null && o.pending(key);
  }

  /** Opens the file queue and drains what an earlier run left. */
  void startWithFile() {
    OfflineWrites o = factory.create(new OfflineQueue(file, removalCommitNanos), onConflict);
    writes = o;
    o.start();
  }

  /** The offline writes, made with an in-memory queue on first use. */
  OfflineWrites writes() {
    OfflineWrites o = writes;
    return o != null ? o : create();
  }

  private synchronized OfflineWrites create() {
    OfflineWrites o = writes;
    if (o != null) {
      return o;
    }
    lifecycle.checkOpen();
    o = factory.create(new OfflineQueue(null, removalCommitNanos), onConflict);
    writes = o;
    o.start();
    return o;
  }

  /** Completes when every write queued before the call has been drained. */
  public CompletableFuture<Void> flush() {
    lifecycle.checkOpen();
    OfflineWrites o = writes;
    return o == null ? CompletableFuture.completedFuture(null) : o.flush();
  }

  public long pendingWrites() {
    OfflineWrites o = writes;
    return o == null ? 0 : o.pendingWrites();
  }

  /** The offline writes, or null when none were made. */
  public @Nullable OfflineWrites current() {
    return writes;
  }

  /**
   * Drains for up to {@code timeoutNanos}, then stops the drain; undrained records stay in the file
   * for the next start, or, in memory, are reported as lost (see {@link OfflineWrites#close}).
   */
  void close(long timeoutNanos) {
    OfflineWrites o;
    synchronized (this) {
      o = writes;
    }
    if (o != null) {
      o.close(timeoutNanos);
    }
  }

  /** Stops as a killed process would: nothing more committed or drained. */
  void crash() {
    OfflineWrites o;
    synchronized (this) {
      o = writes;
    }
    if (o != null) {
      o.crash();
    }
  }
}
