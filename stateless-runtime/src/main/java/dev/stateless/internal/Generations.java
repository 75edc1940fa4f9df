package dev.stateless.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The generation fence's counters: every key maps to a stripe counter; an invalidation bumps the
 * key's stripe (a pattern bumps the epoch) before and after it deletes, and marks it as being
 * dropped meanwhile ({@link #dropping(String, Runnable)}). A fill takes a {@link #token} before it
 * reads the owner's layer and installs its copy only if the token has not moved and no drop of the
 * key is under way ({@link #fillable}, see {@link Copies}). Also marks the stripes an atomic batch
 * is writing.
 */
public final class Generations {
  private static final int STRIPES = 4096;

  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private final AtomicLong epoch = new AtomicLong();

  /**
   * Per stripe: how many drops of its keys are under way; and how many drops of every key. A token
   * taken during a drop is one between its two bumps: a copy read then may come from a layer the
   * drop has not reached yet, so nothing is installed while one is under way.
   */
  private final AtomicIntegerArray dropping = new AtomicIntegerArray(STRIPES);

  private final AtomicInteger droppingAll = new AtomicInteger();

  /**
   * Per stripe: how many atomic batches are applying keys of it. While one is, copies of its keys
   * are not served (reads go to the owner's layer), and reads of in-process primaries wait for
   * {@link #batchLock}: a reader that saw one write of a batch sees all of them.
   */
  private final AtomicIntegerArray batching = new AtomicIntegerArray(STRIPES);

  /** Held while an atomic batch writes in-process stores. */
  private final ReentrantLock batchLock = new ReentrantLock();

  private static int stripe(String key) {
    return key.hashCode() & (STRIPES - 1);
  }

  /** The key's generation now; any invalidation of it moves it. */
  public long token(String key) {
    return stripes.get(stripe(key)) + epoch.get();
  }

  /** Moves the key's generation (and those sharing its stripe). */
  public void bump(String key) {
    stripes.incrementAndGet(stripe(key));
  }

  /** Moves every key's generation (a pattern invalidation, lost events). */
  public void bumpAll() {
    epoch.incrementAndGet();
  }

  /**
   * Whether a copy of the key read under {@code token} may be installed now: the generation has not
   * moved since, and no drop of the key is under way.
   */
  public boolean fillable(String key, long token) {
    int s = stripe(key);
    return dropping.get(s) == 0 && droppingAll.get() == 0 && stripes.get(s) + epoch.get() == token;
  }

  /**
   * Runs {@code drop}, which deletes the key's copies layer by layer, with the key's generation
   * moved before and after it and no copy of the key installed while it runs: a read that falls
   * between two of its layers (the nearer one dropped, the farther one not yet) cannot copy the
   * farther layer's value into the nearer one.
   */
  public void dropping(String key, Runnable drop) {
    int s = stripe(key);
    dropping.incrementAndGet(s);
    stripes.incrementAndGet(s);
    try {
      drop.run();
    } finally {
      stripes.incrementAndGet(s);
      dropping.decrementAndGet(s);
    }
  }

  /** {@link #dropping(String, Runnable)} for a drop of any keys (a pattern, lost events). */
  public void droppingAll(Runnable drop) {
    droppingAll.incrementAndGet();
    epoch.incrementAndGet();
    try {
      drop.run();
    } finally {
      epoch.incrementAndGet();
      droppingAll.decrementAndGet();
    }
  }

  /** Whether an atomic batch is applying a key of this key's stripe (no wait). */
  boolean batching(String key) {
    return batching.get(stripe(key)) != 0;
  }

  /**
   * Whether an atomic batch is applying a key of this key's stripe; if so, waits until no batch
   * writes the in-process stores, so in-process reads see all of a batch or none of it.
   */
  boolean awaitBatch(String key) {
    if (!batching(key)) {
      return false;
    }
    batchLock.lock();
    try {
      // Nothing to do under the lock: taking it waits for the batch to finish.
    } finally {
      batchLock.unlock();
    }
    return true;
  }

  /** Marks the stripes of a batch's keys (once each) as being written. */
  int[] markBatch(List<String> keys) {
    int[] marked = keys.stream().mapToInt(Generations::stripe).distinct().sorted().toArray();
    for (int s : marked) {
      batching.incrementAndGet(s);
    }
    return marked;
  }

  void unmarkBatch(int[] marked) {
    for (int s : marked) {
      batching.decrementAndGet(s);
    }
  }

  /** Runs an in-process batch's writes under the batch lock. */
  void underBatchLock(Runnable writes) {
    batchLock.lock();
    try {
      writes.run();
    } finally {
      batchLock.unlock();
    }
  }
}
