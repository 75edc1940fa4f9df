package dev.stateless.edge.internal;

import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Manifest;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import dev.stateless.core.StatelessException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The node's keys as its data commands reach them: each user's view of the cache (its rights), the
 * per-key order of the node's writes ({@link KeyLocks}) and the watched keys ({@link Watches}).
 * Thread-safe; one per node.
 */
final class Keyspace {
  private final StatelessCache cache;
  private final NodeClock clock;
  private final boolean defaultUserActsForAllOwners;
  private final Map<String, StatelessCache> views = new ConcurrentHashMap<>();
  private final Watches watches = new Watches();
  private final KeyLocks locks = new KeyLocks(watches::touch);

  Keyspace(StatelessCache cache, NodeClock clock, boolean defaultUserActsForAllOwners) {
    this.cache = cache;
    this.clock = clock;
    this.defaultUserActsForAllOwners = defaultUserActsForAllOwners;
  }

  NodeClock clock() {
    return clock;
  }

  KeyLocks locks() {
    return locks;
  }

  Watches watches() {
    return watches;
  }

  /** Whether the default user may read and write every key. */
  boolean defaultUserActsForAllOwners() {
    return defaultUserActsForAllOwners;
  }

  /**
   * The cache as the connection's user sees it: a component user's rights, or every owner's for the
   * default user where it may act for them.
   */
  StatelessCache view(Client client) {
    String user = client.user();
    if (user.equals(Users.DEFAULT)) {
      if (!defaultUserActsForAllOwners) {
        throw new ReplyException(
            Reply.error(
                "NOPERM SL003 user default has no rights on this node's keys; help: AUTH <component>"
                    + " <password> as a component of the manifest, or start the node with"
                    + " --default-user all"));
      }
      return cache;
    }
    return views.computeIfAbsent(user, cache::component);
  }

  /**
   * Refuses, as the cache would refuse the call ({@code -NOPERM SL002 ...}), an operation of a key
   * the connection's user may not do: for the node's own commands that act on a key before any call
   * of the cache does.
   */
  void check(Client client, Operation operation, String key) {
    view(client); // the default user without rights is refused there
    String user = client.user();
    Rights rights = user.equals(Users.DEFAULT) ? allOwners() : cache.manifest().rightsOf(user);
    List<Diagnostic> problems = AccessRules.check(rights, operation, KeyShape.exact(key), null);
    if (!problems.isEmpty()) {
      throw new ReplyException(DataErrors.of(new StatelessException(problems)));
    }
  }

  private Rights allOwners() {
    Manifest m = cache.manifest();
    return Rights.builder(m)
        .name("this cache")
        .actsForAllOwners()
        .unownedKeysAllowed(m.isEmpty())
        .build();
  }

  /** Runs an edit alone: one {@code atomicUpdate} of the key, in the node's order of its writes. */
  @SuppressWarnings(
      "NullAway") // the update's function returns null to delete (UnaryOperator<@Nullable V>)
  Reply run(Client client, KeyEdit edit) {
    StatelessCache view = view(client);
    AtomicReference<KeyEdit.@Nullable Outcome> last = new AtomicReference<>();
    String key = edit.key();
    SetOptions ttl = edit.ttl();
    return Reply.later(
        locks
            .write(
                key,
                () ->
                    ttl == null
                        ? view.<Object>atomicUpdate(key, old -> change(edit, last, old))
                        : view.<Object>atomicUpdate(key, old -> change(edit, last, old), ttl))
            .thenApply(v -> java.util.Objects.requireNonNull(last.get()).reply()));
  }

  /** One run of an edit's function: the last run is the one written. */
  private static @Nullable Object change(
      KeyEdit edit, AtomicReference<KeyEdit.@Nullable Outcome> last, @Nullable Object old) {
    KeyEdit.Outcome o = edit.change().apply(old == null ? null : KeyCommands.bytes(old));
    last.set(o);
    byte[] next = o.value();
    return o.unchanged() ? old : next == null ? null : KeyCommands.value(next);
  }

  /** Runs an edit inside {@code EXEC}, on the transaction's keys. */
  static Reply apply(KeyEdit edit, TransactionKeys keys) {
    KeyEdit.Outcome o = edit.change().apply(keys.get(edit.key()));
    if (!o.unchanged()) {
      keys.put(edit.key(), o.value(), edit.ttl());
    }
    return o.reply();
  }

  /** Reads a key's value as its bytes, {@code null} when absent. */
  static CompletableFuture<byte @Nullable []> read(StatelessCache view, String key) {
    return view.get(key).thenApply(v -> v == null ? null : KeyCommands.bytes(v));
  }
}
