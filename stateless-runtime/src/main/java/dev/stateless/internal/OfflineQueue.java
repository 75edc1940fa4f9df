package dev.stateless.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.jspecify.annotations.Nullable;

/**
 * The durable queue of {@code CLIENT_FIRST} writes bound for a Redis owner: one H2 MVStore file (or
 * an in-memory MVStore) holding the records by sequence number, and the queue's random id, made at
 * creation. Appends are group-committed by one committer thread: an append's future completes only
 * after the commit that contains it, so a crash after completion loses nothing. Only committed
 * records are handed to the drainer ({@link #read}), so a record that may be lost in a crash never
 * reaches Redis and its number can be reused. Drained records are removed and their removal
 * committed lazily: after a crash some drained records come back and are re-sent, which the apply
 * script recognises by number.
 *
 * <p>Thread-safe.
 */
public final class OfflineQueue implements AutoCloseable {
  public static final byte SET = 's';
  public static final byte DEL = 'd';

  /**
   * One queued write. {@code base}: SHA-1 hex of the value it replaces, "-" absent, "?" unknown.
   */
  public static final class QueuedWrite {
    public final long seq;
    public final byte op;
    public final String key;
    public final @Nullable String owner;
    public final byte @Nullable [] value;
    public final long px;
    public final String base;

    public QueuedWrite(
        long seq,
        byte op,
        String key,
        @Nullable String owner,
        byte @Nullable [] value,
        long px,
        String base) {
      this.seq = seq;
      this.op = op;
      this.key = key;
      this.owner = owner;
      this.value = value;
      this.px = px;
      this.base = base;
    }

    /** The record, in one array of its exact size (a large value is copied once, into it). */
    public byte[] encode() {
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      byte[] o = owner == null ? null : owner.getBytes(StandardCharsets.UTF_8);
      byte[] b = base.getBytes(StandardCharsets.UTF_8);
      long size =
          2L
              + (4 + k.length)
              + 1
              + (o == null ? 0 : 4 + o.length)
              + 8
              + (4 + b.length)
              + 4
              + (value == null ? 0 : value.length);
      if (size > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("queued write of " + size + " bytes: too large");
      }
      ByteBuffer d = ByteBuffer.allocate((int) size);
      d.put((byte) 2); // format version; 1 wrote the strings with writeUTF (at most 64 KB)
      d.put(op);
      d.putInt(k.length).put(k);
      d.put((byte) (o != null ? 1 : 0));
      if (o != null) {
        d.putInt(o.length).put(o);
      }
      d.putLong(px);
      d.putInt(b.length).put(b);
      d.putInt(value == null ? -1 : value.length);
      if (value != null) {
        d.put(value);
      }
      return d.array();
    }

    public static QueuedWrite decode(long seq, byte[] bytes) {
      try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(bytes))) {
        int version = d.readByte();
        if (version != 1 && version != 2) {
          throw new IOException("record " + seq + " has the unknown format " + version);
        }
        boolean v1 = version == 1;
        byte op = d.readByte();
        String key = v1 ? d.readUTF() : readString(d);
        String owner = d.readBoolean() ? (v1 ? d.readUTF() : readString(d)) : null;
        long px = d.readLong();
        String base = v1 ? d.readUTF() : readString(d);
        int n = d.readInt();
        byte[] value = null;
        if (n >= 0) {
          value = new byte[n];
          d.readFully(value);
        }
        return new QueuedWrite(seq, op, key, owner, value, px, base);
      } catch (IOException e) {
        throw Errors.offlineQueueUnreadable(seq, e);
      }
    }

    private static String readString(DataInputStream d) throws IOException {
      byte[] b = new byte[d.readInt()];
      d.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "#" + seq + " " + (op == SET ? "set " : "del ") + key;
    }
  }

  private final MVStore store;
  private final MVMap<Long, byte[]> records;
  private final MVMap<String, String> meta;
  private final String id;
  private final @Nullable Path file;
  private final Thread committer;
  private final Object lock = new Object();
  private final long removalCommitNanos;

  // Guarded by lock.
  private long nextSeq;
  private List<CompletableFuture<Long>> waiting = new ArrayList<>();
  private List<Long> waitingSeqs = new ArrayList<>();
  private long removedSince; // System.nanoTime() of the first uncommitted removal, 0 if none
  private boolean closing;

  private volatile @Nullable Throwable
      failure; // the commit failure that ended the queue; set under lock

  /** For tests: the next commits fail while set. */
  public volatile boolean failCommitForTest;

  private volatile long committedSeq;
  private volatile boolean closed;
  private volatile Runnable onCommit = () -> {};

  /**
   * Opens (creating) the queue in {@code file}, or an in-memory queue when it is null.
   *
   * @param removalCommitNanos how long the removal of drained records may stay uncommitted
   */
  public OfflineQueue(@Nullable Path file, long removalCommitNanos) {
    this.file = file;
    this.removalCommitNanos = removalCommitNanos;
    MVStore.Builder b = new MVStore.Builder();
    if (file != null) {
      b.fileName(file.toAbsolutePath().toString());
    }
    try {
      this.store = b.open();
    } catch (RuntimeException e) {
      throw Errors.offlineQueueUnopenable(String.valueOf(file), e);
    }
    try {
      // MVStore's own background commits would persist removals too: they follow the same delay.
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(removalCommitNanos));
      store.setAutoCommitDelay(millis > 60_000 ? 0 : (int) millis);
      this.records = store.openMap("records");
      this.meta = store.openMap("meta");
      String existing = meta.get("id");
      if (existing == null) {
        existing = UUID.randomUUID().toString();
        meta.put("id", existing);
        meta.put("next", "1");
        store.commit();
      }
      this.id = existing;
      long next = Long.parseLong(meta.getOrDefault("next", "1"));
      Long last = records.lastKey();
      if (last != null) {
        next = Math.max(next, last + 1);
      }
      this.nextSeq = next;
      this.committedSeq = next - 1; // everything in the file was committed
    } catch (RuntimeException e) {
      store.closeImmediately();
      throw Errors.offlineQueueUnopenable(String.valueOf(file), e);
    }
    this.committer = new Thread(this::commitLoop, "stateless-offline-commit");
    committer.setDaemon(true);
    committer.start();
  }

  /** The queue's id, made at creation: the apply script numbers records per queue id. */
  public String id() {
    return id;
  }

  /** Where the queue lives, for messages; null when in memory. */
  public @Nullable Path file() {
    return file;
  }

  /** Runs after each commit that made records readable (wakes the drainer). */
  public void onCommit(Runnable r) {
    this.onCommit = r;
  }

  /**
   * Appends a record; the future completes with its number once it is committed. The caller holds
   * whatever orders its appends (the key's entry), so numbers follow that order.
   */
  public CompletableFuture<Long> append(
      byte op, String key, @Nullable String owner, byte @Nullable [] value, long px, String base) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    synchronized (lock) {
      if (closing || closed) {
        throw Errors.closed();
      }
      if (failure != null) {
        throw failed();
      }
      long seq = nextSeq++;
      records.put(seq, new QueuedWrite(seq, op, key, owner, value, px, base).encode());
      waiting.add(done);
      waitingSeqs.add(seq);
      lock.notifyAll();
    }
    return done;
  }

  /** The last number handed out (0 if none). */
  public long lastSeq() {
    synchronized (lock) {
      return nextSeq - 1;
    }
  }

  /** The first record still queued, or -1 when empty. */
  public long firstSeq() {
    Long first = records.firstKey();
    return first == null ? -1 : first;
  }

  /** Up to {@code max} committed records from number {@code from} on, in order. */
  public List<QueuedWrite> read(long from, int max) {
    long limit = committedSeq;
    List<QueuedWrite> out = new ArrayList<>();
    Iterator<Long> it = records.keyIterator(from);
    while (it.hasNext() && out.size() < max) {
      Long seq = it.next();
      if (seq > limit) {
        break;
      }
      byte[] bytes = records.get(seq);
      if (bytes != null) {
        out.add(QueuedWrite.decode(seq, bytes));
      }
    }
    return out;
  }

  /** Removes a drained record; the removal is committed lazily (a crash re-sends it). */
  public void remove(long seq) {
    records.remove(seq);
    synchronized (lock) {
      if (removedSince == 0) {
        removedSince = System.nanoTime() | 1;
      }
    }
  }

  /** How many records are queued. */
  public long size() {
    return records.sizeAsLong();
  }

  private void commitLoop() {
    while (true) {
      List<CompletableFuture<Long>> batch;
      long upTo;
      synchronized (lock) {
        while (waiting.isEmpty() && !closing && !closed && !removalsDue()) {
          try {
            lock.wait(
                removedSince == 0
                    ? 0
                    : Math.max(1, TimeUnit.NANOSECONDS.toMillis(removalCommitNanos)));
          } catch (InterruptedException e) {
            return; // closeImmediately
          }
        }
        if (closed) {
          return;
        }
        batch = waiting;
        upTo = waitingSeqs.isEmpty() ? -1 : waitingSeqs.get(waitingSeqs.size() - 1);
        waiting = new ArrayList<>();
        waitingSeqs = new ArrayList<>();
        removedSince = 0;
        if (upTo > 0) {
          meta.put("next", Long.toString(upTo + 1));
        }
      }
      if (batch.isEmpty() && closing) {
        return;
      }
      if (failure != null) {
        discard(upTo - batch.size() + 1, upTo);
        batch.forEach(f -> f.completeExceptionally(failed()));
        continue;
      }
      try {
        if (failCommitForTest) {
          throw new IllegalStateException("commit failure injected by a test");
        }
        store.commit();
        if (file != null && !batch.isEmpty()) {
          store.sync(); // a completed write survives a power loss too, not only a kill
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        // The failed records stay in the store's memory, and any later commit would write them:
        // the queue takes nothing more, so a failed write is never applied.
        synchronized (lock) {
          failure = e;
        }
        discard(upTo - batch.size() + 1, upTo);
        batch.forEach(f -> f.completeExceptionally(failed()));
        continue;
      }
      if (upTo > 0) {
        committedSeq = upTo;
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).complete(upTo - batch.size() + 1 + i);
        }
        onCommit.run();
      }
    }
  }

  /** Drops records that were not committed, and MVStore's background commits with them. */
  private void discard(long from, long upTo) {
    try {
      store.setAutoCommitDelay(0);
      for (long seq = from; seq <= upTo; seq++) {
        records.remove(seq);
      }
    } catch (RuntimeException e) {
      // the store is closed (MVStore closes itself on a write failure): nothing will be written
    }
  }

  /** The error of every append since a commit failed. */
  private RuntimeException failed() {
    return Errors.offlineQueueFailed(String.valueOf(file != null ? file : "(in memory)"), failure);
  }

  /** The error every append gets since a commit failed, or null while the queue works. */
  public @Nullable RuntimeException failure() {
    return failure == null ? null : failed();
  }

  /** The last committed record number. */
  public long committedSeq() {
    return committedSeq;
  }

  private boolean removalsDue() {
    return removedSince != 0 && System.nanoTime() - removedSince >= removalCommitNanos;
  }

  /**
   * Commits what was appended and takes no more appends; the records stay readable until {@link
   * #close()}.
   */
  public void seal() {
    synchronized (lock) {
      if (!closing && !closed) {
        closing = true;
        lock.notifyAll();
      }
    }
    try {
      committer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Commits what was appended, then closes the file: its records stay for the next start. */
  @Override
  public void close() {
    seal();
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    store.close();
  }

  /**
   * Stops without committing anything more, as a killed process would: appends not yet committed
   * fail, and the file is left as the last commit wrote it.
   */
  public void closeImmediately() {
    List<CompletableFuture<Long>> abandoned;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      abandoned = waiting;
      waiting = new ArrayList<>();
      waitingSeqs = new ArrayList<>();
      lock.notifyAll();
    }
    committer.interrupt();
    try {
      committer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.closeImmediately();
    abandoned.forEach(f -> f.completeExceptionally(Errors.closed()));
  }

  public boolean isClosed() {
    return closed;
  }
}
