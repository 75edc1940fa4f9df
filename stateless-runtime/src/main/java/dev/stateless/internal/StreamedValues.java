package dev.stateless.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Values of {@code @Streaming} components, written and read a chunk at a time so that neither side
 * holds the whole value.
 *
 * <h2>In-process</h2>
 *
 * The value is one {@link LocalStore.Entry} whose value is {@link Chunks}: an immutable list of
 * chunk arrays, weighed by its total size. A reader streams over the list it got, so it sees one
 * complete version by construction.
 *
 * <h2>Redis</h2>
 *
 * <ul>
 *   <li>Chunks: {@code __stateless:{<shard>}:chunk:<version>:<i>} in the key's shard (plain
 *       strings, {@code i} from 0), where {@code version} is a fresh random UUID per write. They
 *       are written {@link #WINDOW} at a time, each with a lease ({@link #LEASE_MILLIS}, renewed
 *       while the write goes on: one script per {@link #RENEW_BATCH} chunks, inside the same
 *       window), so the chunks of a write that dies are gone a lease later. A write that fails
 *       before the swap, or whose swap refuses (a chunk expired), unlinks them; one whose swap's
 *       reply fails (timeout, lost connection) leaves them, since the swap may have run.
 *   <li>Pointer: the user's key holds {@code "\0S1 <version> <count> <length>"} (ASCII after the
 *       byte 0 first; a value another client writes starting so would be taken for one). One script
 *       ({@code stream-swap.lua} of {@link RemoteStore#swapStream}) checks that every chunk is
 *       there, gives them the pointer's expiry ({@code @Ttl} plus {@link #GRACE_MILLIS}, or none),
 *       gives the old value's chunks {@link #GRACE_MILLIS} to live, sets the pointer and publishes
 *       the key's invalidation event.
 *   <li>Size: at most {@link #MAX_CHUNKS} chunks (SL102 beyond, nothing stored), which bounds how
 *       long the swap and the deletion scripts block Redis.
 *   <li>Deletion: {@code del} and {@code invalidatePattern} of a {@code @Streaming} owner's keys
 *       give the old chunks the same grace period. Chunks of a pointer removed behind stateless's
 *       back (another client's {@code DEL}, eviction) stay until their own expiry, if any.
 *   <li>Reading: the pointer once, then the chunks in order, {@link #READ_AHEAD} ahead. A reader
 *       that outlives the grace period of a replaced value finds a chunk missing and fails with
 *       SL104; it never returns parts of two versions.
 * </ul>
 */
public final class StreamedValues {
  private StreamedValues() {}

  /** How long the chunks of a replaced or deleted value stay readable. */
  public static final long GRACE_MILLIS = 60_000;

  /** How long a chunk of a write in progress lives without renewal. */
  public static final long LEASE_MILLIS = 120_000;

  /** Chunk writes in flight at once: the writer's memory is about this many chunks. */
  public static final int WINDOW = 4;

  /**
   * The most chunks a value may have (SL102 beyond). The swap, a delete and a replacement touch
   * every chunk in one script, which blocks Redis meanwhile: about 10 us a chunk, so up to a second
   * or two at this bound (1,000,000 chunks took 8.5 s on a loaded test machine, past Redis's 5 s
   * busy-script threshold). A larger value needs a larger {@code chunkSize}.
   */
  public static final int MAX_CHUNKS = 100_000;

  /** Tests only: the bound {@link #MAX_CHUNKS} in force. */
  public static volatile int maxChunks = MAX_CHUNKS;

  /** Chunks whose leases one script renews: a renewal is one window slot per this many. */
  public static final int RENEW_BATCH = 1000;

  /** How long a write goes between lease renewals (tests lower it). */
  public static volatile long renewAfterNanos = TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS / 2);

  /** Chunks fetched ahead of the one being read. */
  public static final int READ_AHEAD = 2;

  /** Tests only: stands between the swap and its reply (a test loses the reply). */
  public static volatile java.util.function.UnaryOperator<CompletableFuture<Long>> swapReply =
      java.util.function.UnaryOperator.identity();

  private static final byte[] POINTER_HEAD = {0, 'S', '1', ' '};

  /** The largest chunk: one Java array. */
  public static final long MAX_CHUNK = Integer.MAX_VALUE - 16;

  /** An in-process streamed value: immutable once built. */
  public static final class Chunks {
    public final List<byte[]> chunks;
    public final long length;

    public Chunks(List<byte[]> chunks, long length) {
      this.chunks = chunks;
      this.length = length;
    }

    public InputStream open() {
      return new Opened(this);
    }
  }

  /**
   * A reader over an in-process value, which also tells what it reads ({@link #value()}): an edge
   * node serves its chunks to SDK nodes by index, without copying them.
   */
  public static final class Opened extends ChunkStream {
    private final Chunks value;
    private int next;

    Opened(Chunks value) {
      this.value = value;
    }

    /** The value this reader reads: one version, immutable. */
    public Chunks value() {
      return value;
    }

    @Override
    byte @Nullable [] nextChunk() {
      return next < value.chunks.size() ? value.chunks.get(next++) : null;
    }
  }

  public static long weight(String key, long valueBytes) {
    return 2L * key.length() + valueBytes + 32;
  }

  /** Fills {@code buf} from {@code in} as far as possible; how many bytes came. */
  private static int fill(InputStream in, byte[] buf, String key) {
    try {
      return in.readNBytes(buf, 0, buf.length);
    } catch (IOException e) {
      throw Errors.streamSourceFailed(key, e);
    }
  }

  /**
   * Reads a whole value into chunks for an in-process store, failing with SL102 as soon as it is
   * larger than {@code maxBytes} (0: no limit).
   */
  public static Chunks readAll(
      InputStream in, int chunk, String key, @Nullable String owner, long maxBytes) {
    List<byte[]> chunks = new ArrayList<>();
    ChunkSource source = new ChunkSource(in, chunk, key, owner, maxBytes);
    for (byte @Nullable [] c = source.next(); c != null; c = source.next()) {
      chunks.add(c);
    }
    return new Chunks(List.copyOf(chunks), source.total);
  }

  /**
   * Reads a source one chunk at a time, failing with SL102 as soon as the value is larger than
   * {@code maxBytes} (0: no limit) or needs more than {@code maxChunks} chunks.
   */
  public static final class ChunkSource {
    private final InputStream in;
    private final int chunk;
    private final String key;
    private final @Nullable String owner;
    private final long maxBytes;
    private boolean done;
    public long total;
    public int count;

    public ChunkSource(
        InputStream in, int chunk, String key, @Nullable String owner, long maxBytes) {
      this.in = in;
      this.chunk = chunk;
      this.key = key;
      this.owner = owner;
      this.maxBytes = maxBytes;
    }

    /** The next chunk (full-sized except the last), or null at the end. */
    public byte @Nullable [] next() {
      if (done) {
        return null;
      }
      byte[] buf = new byte[chunk];
      int n = fill(in, buf, key);
      if (n == 0) {
        done = true;
        return null;
      }
      total += n;
      if (maxBytes > 0 && weight(key, total) > maxBytes) {
        throw Errors.valueTooLarge(key, owner, total, maxBytes);
      }
      if (count == maxChunks) {
        throw Errors.tooManyChunks(key, owner, maxChunks, chunk);
      }
      count++;
      if (n < chunk) {
        done = true;
        return Arrays.copyOf(buf, n);
      }
      return buf;
    }
  }

  // ---- remote stores ----

  public static byte[] pointer(String version, int count, long length) {
    byte[] text = (version + " " + count + " " + length).getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(POINTER_HEAD, POINTER_HEAD.length + text.length);
    System.arraycopy(text, 0, out, POINTER_HEAD.length, text.length);
    return out;
  }

  /** Whether a stored value is a streamed value's pointer (never a codec's output). */
  public static boolean isPointer(byte[] bytes) {
    if (bytes.length <= POINTER_HEAD.length) {
      return false;
    }
    for (int i = 0; i < POINTER_HEAD.length; i++) {
      if (bytes[i] != POINTER_HEAD[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes a value to Redis under a fresh version and swaps the pointer. Blocks the calling thread
   * (it reads {@code in}); at most {@link #WINDOW} chunk writes are in flight.
   */
  public static CompletableFuture<Long> write(
      RemoteStore redis,
      String key,
      @Nullable String owner,
      InputStream in,
      int chunk,
      long maxBytes,
      long px) {
    String version = UUID.randomUUID().toString();
    Semaphore window = new Semaphore(WINDOW);
    AtomicReference<@Nullable Throwable> failed = new AtomicReference<>();
    ChunkSource source = new ChunkSource(in, chunk, key, owner, maxBytes);
    long renewed = System.nanoTime();
    java.util.function.BiConsumer<Object, Throwable> answered =
        (ok, t) -> {
          if (t != null) {
            failed.compareAndSet(null, t);
          }
          window.release();
        };
    try {
      while (failed.get() == null) {
        byte @Nullable [] c = source.next();
        if (c == null) {
          break;
        }
        acquire(window, 1, redis);
        int count = source.count;
        Futures.whenDone(redis.setChunk(key, version, count - 1, c, LEASE_MILLIS), answered);
        if (System.nanoTime() - renewed >= renewAfterNanos) {
          renewed = System.nanoTime();
          // One script per RENEW_BATCH chunks, each taking a window slot like a chunk write.
          for (int first = 0; first < count - 1 && failed.get() == null; first += RENEW_BATCH) {
            acquire(window, 1, redis);
            Futures.whenDone(
                redis.renewChunks(
                    key,
                    version,
                    first,
                    Math.min(first + RENEW_BATCH, count - 1) - 1,
                    LEASE_MILLIS),
                answered);
          }
        }
      }
      acquire(window, WINDOW, redis); // every chunk write has answered
      window.release(WINDOW);
      if (failed.get() != null) {
        throw redis.failure(failed.get());
      }
    } catch (RuntimeException e) {
      awaitQuietly(discard(redis, key, version, source.count), redis);
      throw e;
    }
    int chunks = source.count;
    long total = source.total;
    CompletableFuture<Long> swapped =
        swapReply.apply(
            redis.swapStream(key, owner, pointer(version, chunks, total), px, version, chunks));
    return swapped.handle(
        (n, t) -> {
          if (t == null) {
            return n;
          }
          Throwable cause =
              t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
          if (String.valueOf(cause.getMessage()).contains("STALE chunk")) {
            // the script refused: nothing points at them (else their leases remove them)
            Futures.bestEffort(discard(redis, key, version, chunks), "unlinking refused chunks");
            throw Errors.streamWriteExpired(key, LEASE_MILLIS);
          }
          // Any other failure (a timeout, a lost connection) may come after the swap ran, when the
          // pointer names these chunks: keep them. If it did not run, their leases remove them.
          throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
  }

  private static void acquire(Semaphore window, int permits, RemoteStore redis) {
    try {
      // Every chunk write answers within the store's timeout (Lettuce fails it otherwise).
      if (!window.tryAcquire(
          permits, redis.timeout().toMillis() * 4 + 10_000, TimeUnit.MILLISECONDS)) {
        throw Errors.timedOut(redis.describe(), redis.timeout(), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.timedOut(redis.describe(), redis.timeout(), e);
    }
  }

  /** Best effort: the leases remove what this misses. */
  private static CompletableFuture<Long> discard(
      RemoteStore redis, String key, String version, int count) {
    if (count == 0) {
      return CompletableFuture.completedFuture(0L);
    }
    try {
      return redis.unlinkChunks(key, version, count);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(0L); // closed: the chunks expire with their lease
    }
  }

  /** Waits (on the writer's thread) until the chunks of a failed write are gone, or gives up. */
  private static void awaitQuietly(CompletableFuture<Long> f, RemoteStore redis) {
    try {
      f.get(redis.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the leases remove them
    }
  }

  /** Opens a reader over the value a pointer names. */
  public static InputStream open(RemoteStore redis, String key, byte[] pointer) {
    String text =
        new String(
            pointer,
            POINTER_HEAD.length,
            pointer.length - POINTER_HEAD.length,
            StandardCharsets.US_ASCII);
    String[] parts = text.split(" ", -1);
    if (parts.length != 3) {
      throw Errors.cannotDecode(
          key, null, "malformed streamed-value pointer \"" + text + "\"", null);
    }
    int count;
    long length;
    try {
      count = Integer.parseInt(parts[1]);
      length = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      throw Errors.cannotDecode(
          key, null, "malformed streamed-value pointer \"" + text + "\"", null);
    }
    return new RedisChunkStream(redis, key, parts[0], count, length);
  }

  /** A reader of one version's chunks, fetched in order with a small read-ahead. */
  private static final class RedisChunkStream extends ChunkStream {
    private final RemoteStore redis;
    private final String key;
    private final String version;
    private final int count;
    private final long length;
    private final ArrayDeque<CompletableFuture<byte[]>> ahead = new ArrayDeque<>();
    private int requested;
    private long seen;

    RedisChunkStream(RemoteStore redis, String key, String version, int count, long length) {
      this.redis = redis;
      this.key = key;
      this.version = version;
      this.count = count;
      this.length = length;
    }

    @Override
    public byte @Nullable [] nextChunk() throws IOException {
      if (Threads.onIoThread()) {
        throw Errors.streamReadOnIoThread(key); // the replies it waits for arrive on this thread
      }
      while (requested < count && ahead.size() <= READ_AHEAD) {
        ahead.add(redis.getChunk(key, version, requested++));
      }
      CompletableFuture<byte[]> next = ahead.poll();
      if (next == null) {
        if (seen != length) {
          throw Errors.streamReplaced(key, GRACE_MILLIS);
        }
        return null;
      }
      byte[] bytes;
      try {
        bytes = next.get(redis.timeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading \"" + key + "\"");
      } catch (ExecutionException e) {
        throw redis.failure(e.getCause());
      } catch (TimeoutException e) {
        throw Errors.timedOut(redis.describe(), redis.timeout(), e);
      }
      if (bytes == null) {
        throw Errors.streamReplaced(
            key, GRACE_MILLIS); // the grace period of a replaced value is over
      }
      seen += bytes.length;
      return bytes;
    }

    @Override
    public void close() {
      ahead.clear();
      requested = count;
      super.close();
    }
  }

  /** An InputStream over a sequence of chunks that it does not copy and never changes. */
  private abstract static class ChunkStream extends InputStream {
    private byte[] current = new byte[0];
    private int pos;
    private boolean done;

    /** The next chunk, or null at the end. */
    abstract byte @Nullable [] nextChunk() throws IOException;

    private boolean ready() throws IOException {
      while (!done && pos == current.length) {
        byte @Nullable [] next = nextChunk();
        if (next == null) {
          done = true;
          current = new byte[0];
        } else {
          current = next;
        }
        pos = 0;
      }
      return !done;
    }

    @Override
    public int read() throws IOException {
      return ready() ? current[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!ready()) {
        return -1;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return done ? 0 : current.length - pos;
    }

    @Override
    public void close() {
      done = true;
      current = new byte[0];
      pos = 0;
    }
  }
}
