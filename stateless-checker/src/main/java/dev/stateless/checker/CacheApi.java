package dev.stateless.checker;

import dev.stateless.core.Operation;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The runtime API the checker understands, by declaring type and method name: what each call does
 * to its key, as the runtime itself judges it ({@code stateless-runtime} passes the same {@link
 * Operation} to the same core rule). A test holds this table to the runtime's public methods.
 */
final class CacheApi {
  static final String CACHE = "dev.stateless.StatelessCache";
  static final String SYNC = "dev.stateless.SyncCache";
  static final String TRANSACTION = "dev.stateless.CacheTransaction";
  static final String SCOPE = "dev.stateless.RequestScope";
  static final String WRITE_RESULT = "dev.stateless.CacheWrite";
  static final String ADAPTER = "dev.stateless.redis.RedisAdapter";

  /** What a call does. */
  enum Kind {
    /** A keyed operation, judged by {@code AccessRules.check}. */
    KEYED,
    /** {@code set}: a write, with a cleanup when {@code .withCleanup(..)} is chained. */
    SET,
    /** {@code setWithStrategy(key, value, strategy)}. */
    SET_WITH_STRATEGY,
    /** {@code invalidatePattern(pattern)}. */
    INVALIDATE_PATTERN,
    /** {@code RedisAdapter.mset(Map)}: the keys of a {@code Map.of(..)}. */
    MSET,
    /** {@code atomicBatch(tx -> ..)}. */
    BATCH,
    /** {@code layer(CacheLayer)}: a view whose writes target one layer. */
    VIEW_LAYER,
    /** {@code component(name)}: a view with one component's rights. */
    VIEW_COMPONENT,
    /** {@code withStrategy(strategy)}. */
    VIEW_STRATEGY,
    /** {@code session()}: a view whose entries have the SESSION lifetime. */
    VIEW_SESSION,
    /** {@code sync()}, {@code async()}, {@code requestScope()}, {@code cache()}: the same view. */
    VIEW_SAME,
    /** Keyed, but the runtime applies no rule of the manifest to it (TTL reads, scans). */
    UNCHECKED
  }

  /** One method: what it does, to which arguments, and whether a layer view changes it. */
  static final class Call {
    final Kind kind;

    /** What a {@link Kind#KEYED} call does to its key; null for the other kinds. */
    final @Nullable Operation operation;

    final boolean allArguments;
    final boolean throughView;

    /** Whether the second argument is the value written to the key (judged by SL014). */
    final boolean writesValue;

    private Call(
        Kind kind,
        @Nullable Operation operation,
        boolean allArguments,
        boolean throughView,
        boolean writesValue) {
      this.kind = kind;
      this.operation = operation;
      this.allArguments = allArguments;
      this.throughView = throughView;
      this.writesValue = writesValue;
    }
  }

  private static final Map<String, Map<String, Call>> TABLE = new HashMap<>();

  static {
    for (String cache : new String[] {CACHE, SYNC}) {
      keyed(cache, "get", Operation.READ, false, true);
      keyed(cache, "exists", Operation.READ, false, true);
      keyed(cache, "computeIfAbsent", Operation.WRITE, false, true);
      special(cache, "set", Kind.SET);
      special(cache, "setWithStrategy", Kind.SET_WITH_STRATEGY);
      keyed(cache, "del", Operation.DELETE, false, true);
      keyed(cache, "expire", Operation.WRITE, false, false);
      keyed(cache, "increment", Operation.WRITE, false, false);
      keyed(cache, "atomicUpdate", Operation.ATOMIC_UPDATE, false, true);
      keyed(cache, "setStream", Operation.STREAM_WRITE, false, true);
      keyed(cache, "stream", Operation.STREAM_READ, false, true);
      special(cache, "invalidatePattern", Kind.INVALIDATE_PATTERN);
      special(cache, "ttlMillis", Kind.UNCHECKED);
      special(cache, "scan", Kind.UNCHECKED);
      special(cache, "atomicBatch", Kind.BATCH);
      special(cache, "layer", Kind.VIEW_LAYER);
      special(cache, "component", Kind.VIEW_COMPONENT);
      special(cache, "withStrategy", Kind.VIEW_STRATEGY);
    }
    special(CACHE, "sync", Kind.VIEW_SAME);
    special(SYNC, "async", Kind.VIEW_SAME);
    special(CACHE, "requestScope", Kind.VIEW_SAME);
    special(CACHE, "session", Kind.VIEW_SESSION);
    special(TRANSACTION, "set", Kind.SET);
    keyed(TRANSACTION, "del", Operation.DELETE, false, true);
    valued(SCOPE, "setScoped", Operation.SCOPED_WRITE);

    keyed(ADAPTER, "get", Operation.READ, false, true);
    keyed(ADAPTER, "hget", Operation.READ, false, true);
    keyed(ADAPTER, "hgetall", Operation.READ, false, true);
    keyed(ADAPTER, "exists", Operation.READ, true, true);
    keyed(ADAPTER, "mget", Operation.READ, true, true);
    valued(ADAPTER, "set", Operation.WRITE);
    keyed(ADAPTER, "del", Operation.DELETE, true, true);
    keyed(ADAPTER, "hset", Operation.ATOMIC_UPDATE, false, true);
    keyed(ADAPTER, "hdel", Operation.ATOMIC_UPDATE, false, true);
    for (String write : new String[] {"expire", "pexpire", "incr", "incrby", "decr", "decrby"}) {
      keyed(ADAPTER, write, Operation.WRITE, false, false);
    }
    special(ADAPTER, "mset", Kind.MSET);
    special(ADAPTER, "ttl", Kind.UNCHECKED);
    special(ADAPTER, "pttl", Kind.UNCHECKED);
    special(ADAPTER, "scan", Kind.UNCHECKED);
    special(ADAPTER, "keys", Kind.UNCHECKED);
    special(ADAPTER, "withStrategy", Kind.VIEW_STRATEGY);
    special(ADAPTER, "cache", Kind.VIEW_SAME);
  }

  private CacheApi() {}

  private static void keyed(
      String type, String method, Operation op, boolean allArguments, boolean throughView) {
    TABLE
        .computeIfAbsent(type, t -> new HashMap<>())
        .put(method, new Call(Kind.KEYED, op, allArguments, throughView, false));
  }

  /** A keyed call whose second argument is the value it writes. */
  private static void valued(String type, String method, Operation op) {
    TABLE
        .computeIfAbsent(type, t -> new HashMap<>())
        .put(method, new Call(Kind.KEYED, op, false, true, true));
  }

  private static void special(String type, String method, Kind kind) {
    boolean writesValue = kind == Kind.SET || kind == Kind.SET_WITH_STRATEGY;
    TABLE
        .computeIfAbsent(type, t -> new HashMap<>())
        .put(method, new Call(kind, null, false, true, writesValue));
  }

  /** The erased type of a loader, the second parameter of {@code get(key, loader)}. */
  static final String LOADER = "java.util.function.Function";

  /**
   * {@code get(key, loader)}: the runtime checks it as the write it makes on a miss, whether or not
   * the key is present, so the checker does too.
   */
  private static final Call LOADING_GET = new Call(Kind.KEYED, Operation.WRITE, false, true, false);

  /**
   * The call, or null when the method is not part of the checked API; {@code secondParameter} is
   * the erased type of the method's second parameter (null when it has none), which tells {@code
   * get(key, loader)} from {@code get(key, type)}.
   */
  static @Nullable Call lookup(String type, String method, @Nullable String secondParameter) {
    if (method.equals("get")
        && LOADER.equals(secondParameter)
        && (type.equals(CACHE) || type.equals(SYNC))) {
      return LOADING_GET;
    }
    return lookup(type, method);
  }

  /** The call, or null when the method is not part of the checked API. */
  static @Nullable Call lookup(String type, String method) {
    Map<String, Call> methods = TABLE.get(type);
    return methods == null ? null : methods.get(method);
  }

  /** The checked methods of a type, by name (for the test that holds the table to the API). */
  static Set<String> methods(String type) {
    Map<String, Call> methods = TABLE.get(type);
    return methods == null ? Set.of() : Set.copyOf(methods.keySet());
  }
}
