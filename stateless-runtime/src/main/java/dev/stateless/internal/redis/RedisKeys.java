package dev.stateless.internal.redis;

import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;

/**
 * The key layout: every name stateless keeps for itself in Redis, all under {@value #PREFIX}. The
 * Lua scripts receive these names as KEYS (and the chunk prefix as an argument), so this class is
 * their one definition.
 *
 * <p>The names are grouped in <b>shards</b>, {@code __stateless:{<shard>}:...}: everything a write
 * touches besides its key (its event, the key's version, index entry and expiry) is in the shard of
 * the key, whose braces make Redis Cluster put it in the key's hash slot, so one script can write
 * them all atomically. A standalone Redis (or one behind Sentinel) has one shard, {@value
 * #STANDALONE}; Redis Cluster has one per hash slot, named by {@link #slotTag} (a tag that hashes
 * to that slot). Per shard:
 *
 * <ul>
 *   <li>{@code log}: stream, the shard's invalidation events ({@link InvalidationEvent}), trimmed
 *       to about the store's maximum length.
 *   <li>{@code seq}: hash, field {@value #SEQUENCE_FIELD}: the number of the shard's last event
 *       (HINCRBY; a hash, not a string, so that reading it is no GET in Redis's statistics).
 *   <li>{@code ver}: hash, key to the version of its last write ({@code fragments/version.lua}).
 *   <li>{@code idx:<owner>}: sorted set, the owner's keys in this shard, all scored 0 (a prefix is
 *       one ZRANGEBYLEX range).
 *   <li>{@code exp:<owner>}: sorted set, the owner's expiring keys by expiry time (ms), and the
 *       tombstones of its deletes.
 *   <li>{@code lock:<key>}: string, the token of the node that holds the key's lock.
 *   <li>{@code chunk:<version>:<i>}: string, chunk {@code i} of a streamed value.
 *   <li>{@code q}: hash, offline queue id to the number of its last record applied in this shard.
 *   <li>{@code qc:<queue id>}: hash, an offline queue's conflicts not yet reported.
 * </ul>
 *
 * <p>{@code <owner>} is a component's name, or {@value #UNOWNED} for the keys nobody owns.
 */
public final class RedisKeys {
  private RedisKeys() {}

  /** The prefix of every key stateless keeps for itself; SCAN skips these keys. */
  public static final String PREFIX = "__stateless:";

  /** The one shard of a standalone Redis. */
  public static final String STANDALONE = "0";

  /** The owner part of the names of the keys nobody owns. */
  public static final String UNOWNED = "~";

  /** About how many events a standalone Redis's log keeps (XADD MAXLEN ~). */
  public static final int STREAM_MAXLEN = 10_000;

  /**
   * About how many events each of a cluster's 16384 logs keeps: a reader away for longer than that
   * many writes to one slot drops its copies of the slot's keys.
   */
  public static final int CLUSTER_STREAM_MAXLEN = 1_000;

  /** A Redis glob matching every index (of every shard and owner). */
  public static final String INDEX_GLOB = PREFIX + "{*}:idx:*";

  /** A Redis glob matching every chunk of every streamed value. */
  public static final String CHUNK_GLOB = PREFIX + "{*}:chunk:*";

  /**
   * A Redis glob matching the key indexes of the 0.1 layout ({@code __stateless:idx:<owner>}),
   * which {@link dev.stateless.redis.TaggedValues} reads to find 0.1 values.
   */
  public static final String LEGACY_INDEX_GLOB = PREFIX + "idx:*";

  /**
   * How long a deleted key's version is kept: an offline write based on the key as it was before
   * the delete, drained later than this, is applied as if no one had written the key since.
   */
  public static final long TOMBSTONE_MILLIS = 24 * 60 * 60 * 1000L;

  /** KEYS[1] of a script that writes no key (a pattern event): never read or written. */
  static String noKey(String shard) {
    return shardPrefix(shard) + "none";
  }

  /** Whether a key is one of stateless's own (not a user's). */
  public static boolean isOwn(String key) {
    return key.startsWith(PREFIX);
  }

  /** A tag that hashes to Redis Cluster slot {@code slot}: {@code {tag}} puts a name there. */
  public static String slotTag(int slot) {
    return SlotTags.TAGS[slot];
  }

  /** The shard of {@code key} in Redis Cluster: the tag of its hash slot. */
  public static String clusterShard(String key) {
    return SlotTags.TAGS[SlotHash.getSlot(key)];
  }

  /** The invalidation log of a shard. */
  public static String log(String shard) {
    return shardPrefix(shard) + "log";
  }

  /** The field of {@link #sequence} that holds the number. */
  public static final String SEQUENCE_FIELD = "n";

  /** The number of a shard's last event, in field {@link #SEQUENCE_FIELD}. */
  public static String sequence(String shard) {
    return shardPrefix(shard) + "seq";
  }

  /** The index of an owner's keys in a shard (owner null: the keys nobody owns). */
  public static String index(String shard, @Nullable String owner) {
    return shardPrefix(shard) + "idx:" + ownerPart(owner);
  }

  /**
   * The versions of a shard's keys: a hash of key to the version of its last write, a delete's kept
   * {@value #TOMBSTONE_MILLIS} ms (see {@code fragments/version.lua}).
   */
  public static String versions(String shard) {
    return shardPrefix(shard) + "ver";
  }

  /** The expiry times of an owner's expiring keys in a shard (owner null: nobody's keys). */
  public static String expiries(String shard, @Nullable String owner) {
    return shardPrefix(shard) + "exp:" + ownerPart(owner);
  }

  /** The lock of a key (atomicUpdate), in the key's shard. */
  public static String lock(String shard, String key) {
    return shardPrefix(shard) + "lock:" + key;
  }

  /** The prefix of the chunks of streamed values in a shard: {@code <prefix><version>:<i>}. */
  public static String chunkPrefix(String shard) {
    return shardPrefix(shard) + "chunk:";
  }

  /** Chunk {@code index} of a streamed value written under {@code version}. */
  public static String chunk(String shard, String version, int index) {
    return chunkPrefix(shard) + version + ":" + index;
  }

  /** The hash of each offline queue's last record applied in a shard, by queue id. */
  public static String queues(String shard) {
    return shardPrefix(shard) + "q";
  }

  /** The hash of an offline queue's conflicts in a shard not yet reported, by record number. */
  public static String queueConflicts(String shard, String queueId) {
    return shardPrefix(shard) + "qc:" + queueId;
  }

  private static String shardPrefix(String shard) {
    return PREFIX + "{" + shard + "}:";
  }

  private static String ownerPart(@Nullable String owner) {
    return owner == null ? UNOWNED : owner;
  }

  /**
   * For each slot the shortest tag (in base 36, the smallest first) that hashes to it: computed
   * once (about 90,000 hashes) when a cluster store first needs one, never for a standalone Redis.
   */
  private static final class SlotTags {
    static final String[] TAGS = new String[SlotHash.SLOT_COUNT];

    static {
      int left = TAGS.length;
      for (int i = 0; left > 0; i++) {
        String tag = Integer.toString(i, 36);
        int slot = SlotHash.getSlot(tag);
        if (TAGS[slot] == null) {
          TAGS[slot] = tag;
          left--;
        }
      }
    }
  }
}
