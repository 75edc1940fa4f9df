package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.DENYOOM;
import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.READONLY;
import static dev.stateless.edge.internal.CommandFlag.WRITE;

import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import dev.stateless.core.Literals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The string and keyspace commands, served from the node's {@link StatelessCache}: its layers hold
 * the keys, enforce their TTLs, sizes and owners. A value is kept as Redis keeps it: a {@code
 * String} when its bytes are UTF-8, else a {@code byte[]}; a number an SDK node wrote reads as its
 * decimal text. Replies come when the cache's futures complete ({@link Reply#later}), in order.
 */
public final class KeyCommands implements CommandSet {
  private final StatelessCache cache;
  private final NodeClock clock;
  private final boolean defaultUserActsForAllOwners;

  /** Each component user's view of the cache: its rights. */
  private final Map<String, StatelessCache> views = new ConcurrentHashMap<>();

  /**
   * @param cache the keys, with the rights of every owner
   * @param clock the node's time (EXAT and PXAT are absolute)
   * @param defaultUserActsForAllOwners whether the default user may read and write every key (as on
   *     Redis); else it is refused every data command, and clients {@code AUTH} as components
   */
  public KeyCommands(StatelessCache cache, NodeClock clock, boolean defaultUserActsForAllOwners) {
    this.cache = cache;
    this.clock = clock;
    this.defaultUserActsForAllOwners = defaultUserActsForAllOwners;
  }

  /**
   * The cache as the connection's user sees it: a component user's rights, or every owner's for the
   * default user where it may act for them.
   */
  private StatelessCache view(Client client) {
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

  @Override
  public void registerInto(CommandTable.Builder table) {
    table.add(
        spec("get", 2, "string", "1.0.0", "Returns the string value of a key.", READONLY, FAST)
            .command((c, r) -> get(view(c), key(r, 1))));
    table.add(
        spec("set", -3, "string", "1.0.0", "Sets the string value of a key.", WRITE, DENYOOM)
            .command((c, r) -> set(view(c), r)));
    table.add(
        spec("setnx", 3, "string", "1.0.0", "Sets a key only when it does not exist.", WRITE)
            .command(
                (c, r) ->
                    Reply.later(
                        view(c)
                            .set(key(r, 1), value(r.arg(2)), SetOptions.none().ifAbsent())
                            .thenApply(w -> Reply.integer(w ? 1 : 0)))));
    table.add(
        spec("setex", 4, "string", "2.0.0", "Sets a key and its expiry in seconds.", WRITE)
            .command((c, r) -> setWithExpiry(view(c), r, 1000, "setex")));
    table.add(
        spec("psetex", 4, "string", "2.6.0", "Sets a key and its expiry in milliseconds.", WRITE)
            .command((c, r) -> setWithExpiry(view(c), r, 1, "psetex")));
    table.add(
        spec("mget", -2, "string", "1.0.0", "Returns the values of keys.", READONLY, FAST)
            .command((c, r) -> mget(view(c), r)));
    table.add(
        spec("mset", -3, "string", "1.0.1", "Sets the values of keys, atomically.", WRITE)
            .command((c, r) -> mset(view(c), r)));
    table.add(
        spec("strlen", 2, "string", "2.2.0", "Returns the length of a value.", READONLY, FAST)
            .command(
                (c, r) ->
                    Reply.later(
                        view(c)
                            .get(key(r, 1))
                            .thenApply(v -> Reply.integer(v == null ? 0 : bytes(v).length)))));
    for (String name : List.of("incr", "decr")) {
      long delta = name.equals("incr") ? 1 : -1;
      table.add(
          spec(name, 2, "string", "1.0.0", "Adds " + delta + " to an integer value.", WRITE)
              .command((c, r) -> increment(view(c), key(r, 1), delta)));
    }
    for (String name : List.of("incrby", "decrby")) {
      long sign = name.equals("incrby") ? 1 : -1;
      table.add(
          spec(name, 3, "string", "1.0.0", "Adds a number to an integer value.", WRITE)
              .command(
                  (c, r) -> {
                    long by = RedisNumbers.parseLong(r.arg(2));
                    if (by == RedisNumbers.INVALID || (sign < 0 && by == Long.MIN_VALUE)) {
                      return ErrorReplies.NOT_INTEGER;
                    }
                    return increment(view(c), key(r, 1), sign * by);
                  }));
    }
    for (String name : List.of("del", "unlink")) {
      table.add(
          spec(name, -2, "keyspace", "1.0.0", "Deletes keys; returns how many existed.", WRITE)
              .command((c, r) -> del(view(c), r)));
    }
    table.add(
        spec("exists", -2, "keyspace", "3.0.3", "Counts the keys that exist.", READONLY, FAST)
            .command((c, r) -> exists(view(c), r)));
    table.add(
        spec("type", 2, "keyspace", "1.0.0", "Returns the type of a key.", READONLY, FAST)
            .command(
                (c, r) ->
                    Reply.later(
                        view(c)
                            .exists(key(r, 1))
                            .thenApply(e -> Reply.simple(e ? "string" : "none")))));
    table.add(
        spec("expire", -3, "keyspace", "1.0.0", "Sets a key's expiry in seconds.", WRITE, FAST)
            .command((c, r) -> expire(view(c), r, 1000)));
    table.add(
        spec("pexpire", -3, "keyspace", "2.6.0", "Sets a key's expiry in ms.", WRITE, FAST)
            .command((c, r) -> expire(view(c), r, 1)));
    table.add(
        spec("ttl", 2, "keyspace", "1.0.0", "Returns a key's expiry in seconds.", READONLY, FAST)
            .command((c, r) -> ttl(view(c), key(r, 1), 1000)));
    table.add(
        spec("pttl", 2, "keyspace", "2.6.0", "Returns a key's expiry in ms.", READONLY, FAST)
            .command((c, r) -> ttl(view(c), key(r, 1), 1)));
    table.add(
        spec("keys", 2, "keyspace", "1.0.0", "Returns the keys matching a pattern.", READONLY)
            .command(
                (c, r) ->
                    Reply.later(
                        view(c)
                            .scan(key(r, 1))
                            .thenApply(
                                keys -> Reply.array(keys.stream().map(Reply::bulk).toList())))));
    table.add(
        spec("dbsize", 1, "server", "1.0.0", "Returns the number of keys.", READONLY, FAST)
            .command(
                (c, r) ->
                    Reply.later(view(c).scan("*").thenApply(keys -> Reply.integer(keys.size())))));
  }

  /**
   * A key as the cache names it: UTF-8 text, as the SDK's keys are in Redis. Other bytes are
   * refused with an error reply, not decoded into a different key.
   */
  static String key(Request r, int index) {
    byte[] bytes = r.arg(index);
    if (!Literals.isUtf8(bytes)) {
      throw new ReplyException(
          Reply.error(
              "ERR SL012 key is not UTF-8 text; help: stateless keys are text, as the SDK's are:"
                  + " send the key's UTF-8 bytes"));
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static CommandSpec.Builder spec(
      String name, int arity, String group, String since, String summary, CommandFlag... flags) {
    String category = group.equals("keyspace") ? "@keyspace" : "@" + group;
    boolean write = List.of(flags).contains(WRITE);
    return CommandSpec.builder(name, arity)
        .flags(flags)
        .acl(category, write ? "@write" : "@read")
        .doc(group.equals("keyspace") ? "generic" : group, since, summary);
  }

  // ---------------------------------------------------------------- values

  /** A value as the cache keeps it: the text when the bytes are UTF-8, else the bytes. */
  static Object value(byte[] bytes) {
    return Literals.isUtf8(bytes) ? new String(bytes, StandardCharsets.UTF_8) : bytes.clone();
  }

  /** A value's bytes as Redis would hold them. */
  static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    if (value instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException(
        "a " + value.getClass().getName() + " has no Redis form on this node");
  }

  private static Reply get(StatelessCache view, String key) {
    return Reply.later(view.get(key).thenApply(KeyCommands::bulkOrNull));
  }

  private static Reply bulkOrNull(@Nullable Object value) {
    return value == null ? Reply.NULL_BULK : Reply.bulk(bytes(value));
  }

  // ---------------------------------------------------------------- SET

  private Reply set(StatelessCache view, Request r) {
    SetOptions options = SetOptions.none();
    boolean nx = false;
    boolean xx = false;
    Duration ttl = null;
    for (int i = 3; i < r.argc(); i++) {
      String option = r.lower(i);
      switch (option) {
        case "nx" -> nx = true;
        case "xx" -> xx = true;
        case "ex", "px", "exat", "pxat" -> {
          if (ttl != null || i + 1 >= r.argc()) {
            return ErrorReplies.SYNTAX;
          }
          long n = RedisNumbers.parseLong(r.arg(++i));
          if (n == RedisNumbers.INVALID) {
            return ErrorReplies.NOT_INTEGER;
          }
          long millis = expiryMillis(option, n);
          if (n <= 0 || millis <= 0 || millis == Long.MAX_VALUE) {
            return invalidExpireTime("set");
          }
          ttl = Duration.ofMillis(millis);
        }
        case "keepttl", "get" ->
        // keeping the TTL or reading the old value needs the write to read first, atomically
        {
          return Reply.error(
              "ERR SET "
                  + option.toUpperCase(Locale.ROOT)
                  + " is not supported by stateless-edge yet (see docs/edge.md)");
        }
        default -> {
          return ErrorReplies.SYNTAX;
        }
      }
    }
    if (nx && xx) {
      return ErrorReplies.SYNTAX;
    }
    if (ttl != null) {
      options = options.withTtl(ttl);
    }
    if (nx) {
      options = options.ifAbsent();
    } else if (xx) {
      options = options.ifPresent();
    }
    return Reply.later(
        view.set(key(r, 1), value(r.arg(2)), options)
            .thenApply(written -> written ? Reply.OK : Reply.NULL_BULK));
  }

  /** The TTL, in milliseconds from now, an EX, PX, EXAT or PXAT of {@code n} gives. */
  private long expiryMillis(String option, long n) {
    try {
      return switch (option) {
        case "ex" -> Math.multiplyExact(n, 1000);
        case "px" -> n;
        case "exat" -> Math.multiplyExact(n, 1000) - clock.millis();
        default -> n - clock.millis();
      };
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static Reply invalidExpireTime(String command) {
    return Reply.error("ERR invalid expire time in '" + command + "' command");
  }

  private static Reply setWithExpiry(
      StatelessCache view, Request r, long unitMillis, String command) {
    long n = RedisNumbers.parseLong(r.arg(2));
    if (n == RedisNumbers.INVALID) {
      return ErrorReplies.NOT_INTEGER;
    }
    if (n <= 0 || n > Long.MAX_VALUE / unitMillis) {
      return invalidExpireTime(command);
    }
    return Reply.later(
        view.set(key(r, 1), value(r.arg(3)), SetOptions.ttl(Duration.ofMillis(n * unitMillis)))
            .thenApply(w -> Reply.OK));
  }

  // ---------------------------------------------------------------- several keys

  private static Reply mget(StatelessCache view, Request r) {
    List<CompletableFuture<Object>> reads = new ArrayList<>();
    for (int i = 1; i < r.argc(); i++) {
      reads.add(view.get(key(r, i)));
    }
    return Reply.later(
        CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0]))
            .thenApply(
                done -> Reply.array(reads.stream().map(f -> bulkOrNull(f.join())).toList())));
  }

  private static Reply mset(StatelessCache view, Request r) {
    if (r.argc() % 2 != 1) {
      return Reply.error("ERR wrong number of arguments for 'mset' command");
    }
    return Reply.later(
        view.atomicBatch(
                tx -> {
                  for (int i = 1; i < r.argc(); i += 2) {
                    tx.set(key(r, i), value(r.arg(i + 1)));
                  }
                })
            .thenApply(done -> Reply.OK));
  }

  private static Reply del(StatelessCache view, Request r) {
    List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
    for (int i = 1; i < r.argc(); i++) {
      deletes.add(view.del(key(r, i)));
    }
    return Reply.later(count(deletes));
  }

  private static Reply exists(StatelessCache view, Request r) {
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    for (int i = 1; i < r.argc(); i++) {
      checks.add(view.exists(key(r, i)));
    }
    return Reply.later(count(checks));
  }

  private static CompletableFuture<Reply> count(List<CompletableFuture<Boolean>> each) {
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(done -> Reply.integer(each.stream().filter(CompletableFuture::join).count()));
  }

  // ---------------------------------------------------------------- numbers and expiry

  private static Reply increment(StatelessCache view, String key, long delta) {
    return Reply.later(view.increment(key, delta).thenApply(Reply::integer));
  }

  private static Reply expire(StatelessCache view, Request r, long unitMillis) {
    String command = unitMillis == 1 ? "pexpire" : "expire";
    if (r.argc() > 3) {
      return Reply.error(
          "ERR "
              + command.toUpperCase(Locale.ROOT)
              + " options (NX, XX, GT, LT) are not supported by stateless-edge yet");
    }
    long n = RedisNumbers.parseLong(r.arg(2));
    if (n == RedisNumbers.INVALID) {
      return ErrorReplies.NOT_INTEGER;
    }
    if (n > Long.MAX_VALUE / unitMillis || n < Long.MIN_VALUE / unitMillis) {
      return invalidExpireTime(command);
    }
    String key = key(r, 1);
    if (n <= 0) {
      // Redis deletes a key given an expiry that has passed
      return Reply.later(view.del(key).thenApply(d -> Reply.integer(d ? 1 : 0)));
    }
    return Reply.later(
        view.expire(key, Duration.ofMillis(n * unitMillis))
            .thenApply(set -> Reply.integer(set ? 1 : 0)));
  }

  private static Reply ttl(StatelessCache view, String key, long unitMillis) {
    return Reply.later(
        view.ttlMillis(key)
            .thenApply(
                ms ->
                    Reply.integer(
                        ms < 0 ? ms : unitMillis == 1 ? ms : (ms + unitMillis / 2) / unitMillis)));
  }
}
