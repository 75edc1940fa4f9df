package dev.stateless.internal.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a shard's invalidation log ({@link RedisKeys#log}), as the write scripts append it
 * in the same script as the write, so a write and its event cannot be separated:
 *
 * <pre>
 * XADD __stateless:{&lt;shard&gt;}:log MAXLEN ~ &lt;max&gt; * s &lt;seq&gt; n &lt;node&gt; o &lt;owner&gt; k &lt;key&gt; [q &lt;record&gt;]
 * XADD __stateless:{&lt;shard&gt;}:log MAXLEN ~ &lt;max&gt; * s &lt;seq&gt; n &lt;node&gt; o &lt;owner&gt; p &lt;pattern&gt;
 * XADD __stateless:{&lt;shard&gt;}:log MAXLEN ~ &lt;max&gt; * s &lt;seq&gt; n &lt;node&gt; o &lt;owner&gt; k1 &lt;key&gt; k2 ...
 * </pre>
 *
 * The last form is one event for several keys set together ({@code set-many.lua}: the sets of one
 * flush of a node's connection, in one shard): field {@value #KEY}{@code <i>} is the {@code i}-th
 * key (from 1), and {@value #OWNER}{@code <i>} its owner if present, else the event's {@value
 * #OWNER}.
 *
 * <ul>
 *   <li>{@value #SEQ}: the event's number in its log, decimal: 1, 2, 3 ... from HINCRBY of the
 *       shard's {@link RedisKeys#sequence}. A number that skips means events were trimmed away
 *       unread; one below the last seen means Redis lost its data.
 *   <li>{@value #NODE}: the id of the node that wrote (UTF-8); a node skips its own events.
 *   <li>{@value #OWNER}: the component that owns the key or pattern (UTF-8); empty for the keys
 *       nobody owns.
 *   <li>{@value #KEY}: the key that was set, deleted, expired (PEXPIRE) or incremented (UTF-8).
 *   <li>{@value #PATTERN}: instead of a key, a pattern ({@code KeyPattern} text) whose keys were
 *       deleted.
 *   <li>{@value #QUEUED}: with a key, the number of the offline-queue record that was applied
 *       (decimal); readers ignore it.
 * </ul>
 *
 * The Lua side does not spell these names: {@link RedisScripts} puts these constants in place of
 * the scripts' {@code ${EVENT_*}} placeholders, and refuses a script whose XADD names a field any
 * other way.
 *
 * @param owner the owner of the key or pattern, null for the keys nobody owns
 * @param seq the event's number in its log
 * @param node the writer's node id, null if absent
 * @param key the key, or null
 * @param pattern the pattern, or null (ignored when there is a key)
 * @param written the keys of an event for several keys, each with its owner; else empty
 */
public record InvalidationEvent(
    @Nullable String owner,
    long seq,
    @Nullable String node,
    @Nullable String key,
    @Nullable String pattern,
    List<Written> written) {

  /** One key of an event for several keys, and its owner (null: nobody). */
  public record Written(@Nullable String owner, String key) {}

  /** Field: the event's number in its stream. */
  public static final String SEQ = "s";

  /** Field: the writer's node id. */
  public static final String NODE = "n";

  /** Field: the owner of the key or pattern written (empty: nobody). */
  public static final String OWNER = "o";

  /** Field: the key written. */
  public static final String KEY = "k";

  /** Field: the pattern invalidated. */
  public static final String PATTERN = "p";

  /** Field: the number of the offline-queue record applied (with {@link #KEY}). */
  public static final String QUEUED = "q";

  /** What an event invalidates. */
  public enum Kind {
    /** One key: {@link #key()}. */
    KEY,
    /** The keys a pattern matches: {@link #pattern()}. */
    PATTERN,
    /** Several keys: {@link #written()}. */
    KEYS,
    /** Neither: not an event this code wrote; the owner's copies must go. */
    UNKNOWN
  }

  /**
   * Parses a stream entry's fields.
   *
   * @throws IllegalArgumentException when it has no event number ({@value #SEQ}) or one that is not
   *     a decimal number: not an event this code wrote
   */
  public static InvalidationEvent parse(Map<String, byte[]> body) {
    byte[] seq = body.get(SEQ);
    if (seq == null) {
      throw new IllegalArgumentException("no event number (field " + SEQ + ")");
    }
    List<Written> written = new ArrayList<>();
    for (int i = 1; ; i++) {
      String key = text(body.get(KEY + i));
      if (key == null) {
        break;
      }
      byte[] owner = body.get(OWNER + i);
      written.add(new Written(owner(owner != null ? owner : body.get(OWNER)), key));
    }
    return new InvalidationEvent(
        owner(body.get(OWNER)),
        Long.parseLong(text(seq)),
        text(body.get(NODE)),
        text(body.get(KEY)),
        text(body.get(PATTERN)),
        List.copyOf(written));
  }

  /** An owner field's value: empty is nobody. */
  private static @Nullable String owner(byte @Nullable [] field) {
    String owner = text(field);
    return owner == null || owner.isEmpty() ? null : owner;
  }

  public Kind kind() {
    if (key != null) {
      return Kind.KEY;
    }
    if (!written.isEmpty()) {
      return Kind.KEYS;
    }
    return pattern != null ? Kind.PATTERN : Kind.UNKNOWN;
  }

  /** Whether the node {@code nodeId} wrote it. */
  public boolean writtenBy(String nodeId) {
    return node != null && node.equals(nodeId);
  }

  private static @Nullable String text(byte @Nullable [] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
