package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.AccessRules;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Literals;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * {@code setStream} / {@code stream} of {@code @Streaming} components' values, in chunks ({@link
 * StreamedValues}): in-process a list of chunks, in a remote store chunks behind a pointer.
 * Streamed values are never copied into nearer layers.
 */
public final class Streams {
  private final Lifecycle lifecycle;
  private final Routes routes;
  private final Writes writes;
  private final Metrics metrics;

  /** Where setStream reads its InputStream (blocking I/O, never on a caller's or I/O thread). */
  private final ExecutorService streamingPool = Threads.cached("stateless-stream");

  Streams(Lifecycle lifecycle, Routes routes, Writes writes, Metrics metrics) {
    this.lifecycle = lifecycle;
    this.routes = routes;
    this.writes = writes;
    this.metrics = metrics;
  }

  /** The chunk size of a streamed key's owner; SL105 when the owner does not stream. */
  private static int chunkBytes(Route r, String key) {
    if (!r.streaming()) {
      throw Errors.notStreaming(key, r.ownerName);
    }
    // streaming() holds only for an owner that streams
    long chunk = Objects.requireNonNull(r.owner, "owner").streamingChunkBytes().getAsLong();
    return (int) Math.max(1, Math.min(chunk, StreamedValues.MAX_CHUNK));
  }

  public CompletableFuture<Void> setStream(
      Rights rights, @Nullable CacheLayer via, String key, InputStream data) {
    Objects.requireNonNull(data, "data");
    Route r = writes.writable(rights, Operation.STREAM_WRITE, key, via);
    int chunk = chunkBytes(r, key);
    CacheLayer target = via != null ? via : r.primary;
    long ttlNanos = writes.jitter(r.ttlNanos); // 0: none
    Region region = r.regions[target.ordinal()];
    CompletableFuture<Boolean> written;
    try {
      if (region != null) {
        written =
            CompletableFuture.supplyAsync(
                () -> {
                  StreamedValues.Chunks v =
                      StreamedValues.readAll(data, chunk, key, r.ownerName, r.maxBytes);
                  long w = StreamedValues.weight(key, v.length);
                  region.put(
                      key,
                      new Entry(
                          v,
                          (int) Math.min(w, Integer.MAX_VALUE),
                          Entry.ttlFor(ttlNanos),
                          r,
                          false));
                  return true;
                },
                streamingPool);
      } else {
        RemoteStore remote = routes.remote(target);
        long px = Writes.toMillis(ttlNanos);
        // A chunk is one value in the store: never more than it takes (Redis: 512 MB); chunks
        // are read by count, so their size is the writer's choice.
        int storeChunk = (int) Math.min(chunk, remote.maxValueBytes());
        written =
            Futures.composeAsync(
                    () -> {
                      metrics.sent(remote);
                      return StreamedValues.write(
                          remote, key, r.ownerName, data, storeChunk, r.maxBytes, px);
                    },
                    streamingPool)
                .thenApply(n -> true);
      }
    } catch (RejectedExecutionException e) {
      throw Errors.closed();
    }
    return writes.afterWrite(written, r, rights, target, key).thenApply(ok -> null);
  }

  public CompletableFuture<InputStream> stream(
      Rights rights, @Nullable CacheLayer via, String key) {
    Literals.checkKey(key);
    lifecycle.checkOpen();
    Route r = routes.route(key);
    Checks.throwIfErrors(
        via == null
            ? AccessRules.checkStreamingAccess(rights, KeyShape.exact(key), false)
            : AccessRules.check(rights, Operation.STREAM_READ, KeyShape.exact(key), via));
    chunkBytes(r, key);
    CacheLayer layer = via != null ? via : r.primary;
    if (layer != r.primary) {
      return CompletableFuture.completedFuture(null); // streamed values are never copied
    }
    Region region = r.regions[layer.ordinal()];
    if (region != null) {
      Entry e = region.get(key);
      metrics.count(r, layer.ordinal(), e != null);
      if (e == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (!(e.value instanceof StreamedValues.Chunks chunks)) {
        throw Errors.notAStreamedValue(key);
      }
      return CompletableFuture.completedFuture(chunks.open());
    }
    RemoteStore remote = routes.remote(layer);
    // Completed on a streaming thread: a caller's thenApply may read the stream there, which it
    // could not on the store's I/O thread (the chunk replies arrive on that thread).
    return remote
        .getStreamed(key)
        .thenApplyAsync(
            pointer -> {
              metrics.count(r, layer.ordinal(), pointer != null);
              if (pointer == null) {
                return null;
              }
              if (!StreamedValues.isPointer(pointer)) {
                throw Errors.notAStreamedValue(key);
              }
              return StreamedValues.open(remote, key, pointer);
            },
            this::runStreaming);
  }

  /** Runs on the streaming pool, or (closed cache) on the common pool: never on the caller's. */
  private void runStreaming(Runnable task) {
    try {
      streamingPool.execute(task);
    } catch (RejectedExecutionException e) {
      ForkJoinPool.commonPool().execute(task);
    }
  }

  void close() {
    streamingPool.shutdown();
  }
}
