package dev.stateless.internal.redis;

import org.jspecify.annotations.Nullable;

/**
 * The key layout: every name stateless keeps for itself in Redis, all under {@value #PREFIX}. The
 * Lua scripts receive these names as KEYS (and the chunk prefix through {@link RedisScripts}), so
 * this class is their one definition.
 *
 * <ul>
 *   <li>{@value #SEQUENCES}: hash, stream name to the number of its last event.
 *   <li>{@code __stateless:inv:<owner>}: stream, the owner's invalidation events ({@link
 *       InvalidationEvent}), trimmed to about {@value #STREAM_MAXLEN} entries.
 *   <li>{@code __stateless:idx:<owner>}: sorted set, the owner's keys, all scored 0 (a prefix is
 *       one ZRANGEBYLEX range).
 *   <li>{@code __stateless:exp:<owner>}: sorted set, the owner's expiring keys by expiry time (ms).
 *   <li>{@code __stateless:lock:<key>}: string, the token of the node that holds the key's lock.
 *   <li>{@code __stateless:chunk:<version>:<i>}: string, chunk {@code i} of a streamed value.
 *   <li>{@value #QUEUES}: hash, offline queue id to the number of its last applied record.
 *   <li>{@code __stateless:qc:<queue id>}: hash, an offline queue's conflicts not yet reported.
 * </ul>
 *
 * <p>{@code <owner>} is a component's name, or {@value #UNOWNED} for the keys nobody owns.
 */
public final class RedisKeys {
  private RedisKeys() {}

  /** The prefix of every key stateless keeps for itself; SCAN skips these keys. */
  public static final String PREFIX = "__stateless:";

  /** The hash of each invalidation stream's last event number, by stream name. */
  public static final String SEQUENCES = PREFIX + "seq";

  /** The prefix of the invalidation streams, one per owner. */
  public static final String STREAM_PREFIX = PREFIX + "inv:";

  /** The owner part of the names of the keys nobody owns. */
  public static final String UNOWNED = "~";

  /** About how many events a stream keeps (XADD MAXLEN ~). */
  public static final int STREAM_MAXLEN = 10_000;

  /** The prefix of a streamed value's chunks: {@code <prefix><version>:<i>}. */
  public static final String CHUNK_PREFIX = PREFIX + "chunk:";

  /** The hash of each offline queue's last applied record number, by queue id. */
  public static final String QUEUES = PREFIX + "q";

  /** KEYS[1] of a script that writes no key (a pattern event): never read or written. */
  static final String NO_KEY = PREFIX + "none";

  /** Whether a key is one of stateless's own (not a user's). */
  public static boolean isOwn(String key) {
    return key.startsWith(PREFIX);
  }

  /** The invalidation stream of an owner (null: the keys nobody owns). */
  public static String stream(@Nullable String owner) {
    return STREAM_PREFIX + ownerPart(owner);
  }

  /** A Redis glob matching every owner's key index. */
  public static final String INDEX_GLOB = PREFIX + "idx:*";

  /** The index of an owner's keys (null: the keys nobody owns). */
  public static String index(@Nullable String owner) {
    return PREFIX + "idx:" + ownerPart(owner);
  }

  /**
   * The versions of an owner's keys (null: the keys nobody owns): a hash of key to the version of
   * its last write, a delete's kept {@value #TOMBSTONE_MILLIS} ms (see {@code
   * fragments/version.lua}).
   */
  public static String versions(@Nullable String owner) {
    return PREFIX + "ver:" + ownerPart(owner);
  }

  /**
   * How long a deleted key's version is kept: an offline write based on the key as it was before
   * the delete, drained later than this, is applied as if no one had written the key since.
   */
  public static final long TOMBSTONE_MILLIS = 24 * 60 * 60 * 1000L;

  /** The expiry times of an owner's expiring keys (null: the keys nobody owns). */
  public static String expiries(@Nullable String owner) {
    return PREFIX + "exp:" + ownerPart(owner);
  }

  /** The lock of a key (atomicUpdate). */
  /** Chunk {@code index} of a streamed value written under {@code version}. */
  public static String chunk(String version, int index) {
    return CHUNK_PREFIX + version + ":" + index;
  }

  public static String lock(String key) {
    return PREFIX + "lock:" + key;
  }

  /** The hash of an offline queue's conflicts not yet reported, by record number. */
  public static String queueConflicts(String queueId) {
    return PREFIX + "qc:" + queueId;
  }

  private static String ownerPart(@Nullable String owner) {
    return owner == null ? UNOWNED : owner;
  }
}
