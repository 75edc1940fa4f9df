package dev.stateless.internal;

import org.jspecify.annotations.Nullable;

/**
 * One value in an in-process {@link Region}: a primary, a copy of a farther layer's value, a
 * negative-caching marker ({@link #ABSENT}) or a pending {@code CLIENT_FIRST} write. Identity
 * matters: a fill removes exactly the entry it installed.
 */
public final class Entry {

  /**
   * The value of a negative-caching marker: the owner's layer was read and held no value. Readers
   * of {@link #value} answer {@code null} for it; it is a copy, so it is dropped as one.
   */
  public static final Object ABSENT = new Object();

  /** The value; {@link #ABSENT} for a marker, null for a queued delete (a pending tombstone). */
  public final @Nullable Object value;

  public final int weight;

  /** How long the entry lives from its write; {@code Long.MAX_VALUE}: no expiry. */
  public final long ttlNanos;

  /** Whose data this is: the key's route. */
  public final Source source;

  /** A copy of data whose primary is in a farther layer (else the primary itself). */
  public final boolean copy;

  /**
   * A client entry of {@code CLIENT_FIRST} writes still in the offline queue: served even while the
   * owner is unreachable, kept when invalidations arrive (a null value: a queued delete).
   */
  public final boolean pending;

  public Entry(@Nullable Object value, int weight, long ttlNanos, Source source, boolean copy) {
    this(value, weight, ttlNanos, source, copy, false);
  }

  public Entry(
      @Nullable Object value,
      int weight,
      long ttlNanos,
      Source source,
      boolean copy,
      boolean pending) {
    this.value = value;
    this.weight = weight;
    this.ttlNanos = ttlNanos;
    this.source = source;
    this.copy = copy;
    this.pending = pending;
  }

  /** Whose data an entry holds (the key's {@link Route}). */
  public interface Source {
    /** The owner's name; null for a key nobody owns. */
    @Nullable String ownerName();

    /** Whether the owner's invalidations are being received, so copies may be trusted. */
    boolean primaryLive();

    /** The owner's counts (reads, writes, evictions), which {@link Metrics} keeps when metered. */
    default Metrics.Counts counts() {
      return Metrics.Counts.DETACHED;
    }
  }

  /**
   * The version of the owner's write this copy holds, when the owner is a remote store that keeps
   * versions (Redis: {@code fragments/version.lua}); 0 when unknown. A {@code CLIENT_FIRST} write
   * names it as the base the write replaced, so that Redis tells another writer's newer write from
   * its own lost data. Set before the entry is installed (or put back).
   */
  public volatile long version;

  /** {@link #deadline} of an entry that never expires. */
  static final long NEVER = Long.MIN_VALUE;

  /**
   * In an unbounded {@link Region}: the ticker reading at which the entry expires, or {@link
   * #NEVER}; set by the region as the entry enters it (and by {@code expire}).
   */
  volatile long deadline = NEVER;

  /**
   * A copy being installed whose second fence check has not passed yet ({@link Copies#install}): it
   * is in its region, but {@link Region#get} answers no value for it. A drop that returns while
   * such a fill is still taking its copy back must leave nothing old for a reader to see.
   */
  volatile boolean unconfirmed;

  /** A copy is served only while its primary's invalidations are being received. */
  public boolean trusted() {
    return !copy || pending || source.primaryLive();
  }

  /** Whether this is a negative-caching marker. */
  public boolean isAbsent() {
    return value == ABSENT;
  }

  /** The weight of a key and its encoded value in an in-process store, in bytes. */
  public static int weigh(String key, int valueBytes) {
    return 2 * key.length() + valueBytes + 32;
  }

  /** An entry's lifetime for a TTL in nanoseconds, where 0 or less means none. */
  public static long ttlFor(long ttlNanos) {
    return ttlNanos > 0 ? ttlNanos : Long.MAX_VALUE;
  }
}
