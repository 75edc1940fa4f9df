package dev.stateless;

import dev.stateless.internal.Values;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A {@code CLIENT_FIRST} write from the offline queue that was not applied because the owner's
 * layer (Redis) held a newer version of the key when it arrived.
 *
 * <p>The rule: each queued write remembers the value this node's client layer held for the key just
 * before the write (the node's own previous queued write, or a copy it had read), or that it knew
 * the key absent. If the server's value differs from that when the write is drained, someone else
 * wrote the key in the meantime: the server's version wins, this write (and the node's client entry
 * for the key) is dropped, and the conflict is reported to {@link
 * StatelessCache.Builder#onConflict(java.util.function.Consumer)} and counted ({@code
 * stateless.offline.conflicts}). A write made while the node knew nothing of the key is a blind
 * write and is applied, as it would have been online (the last to arrive wins).
 *
 * <p>Immutable; the values are decoded with the cache's codec.
 */
public final class OfflineConflict {
  private final String key;
  private final @Nullable Object localValue;
  private final @Nullable Object serverValue;

  /**
   * Creates a conflict report.
   *
   * @param key the key written
   * @param localValue the value this node wrote (null: a delete)
   * @param serverValue the value the server held (null: absent)
   */
  public OfflineConflict(String key, @Nullable Object localValue, @Nullable Object serverValue) {
    this.key = java.util.Objects.requireNonNull(key, "key");
    this.localValue = localValue;
    this.serverValue = serverValue;
  }

  /**
   * Returns the key written.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * Returns the value this node wrote offline.
   *
   * @return the value, or {@code null} when the queued write was a delete
   */
  public @Nullable Object localValue() {
    return Values.copyOut(localValue);
  }

  /**
   * Returns the value the owner's layer kept, which wins.
   *
   * @return the server's value, or {@code null} when the key was absent there
   */
  public @Nullable Object serverValue() {
    return Values.copyOut(serverValue);
  }

  @Override
  public String toString() {
    return "OfflineConflict{key="
        + key
        + ", local="
        + show(localValue)
        + ", server="
        + show(serverValue)
        + "}";
  }

  private static String show(@Nullable Object v) {
    return v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v);
  }
}
