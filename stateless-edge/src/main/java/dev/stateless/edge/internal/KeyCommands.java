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
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The string and keyspace commands, served from the node's {@link StatelessCache}: its layers hold
 * the keys, enforce their TTLs, sizes and owners. A value is kept as Redis keeps it: a {@code
 * String} when its bytes are UTF-8, else a {@code byte[]}; a number an SDK node wrote reads as its
 * decimal text. Replies come when the cache's futures complete ({@link Reply#later}), in order.
 */
public final class KeyCommands implements CommandSet {
  private final Keyspace keyspace;

  /**
   * @param cache the keys, with the rights of every owner
   * @param clock the node's time (EXAT and PXAT are absolute)
   * @param defaultUserActsForAllOwners whether the default user may read and write every key (as on
   *     Redis); else it is refused every data command, and clients {@code AUTH} as components
   */
  public KeyCommands(StatelessCache cache, NodeClock clock, boolean defaultUserActsForAllOwners) {
    this.keyspace = new Keyspace(cache, clock, defaultUserActsForAllOwners);
  }

  private StatelessCache view(Client client) {
    return keyspace.view(client);
  }

  /**
   * Registers these commands and the other data commands on the same keys: {@link StringCommands},
   * {@link ScanCommands}, {@link TransactionCommands}.
   */
  @Override
  public void registerInto(CommandTable.Builder table) {
    table.add(
        spec("get", 2, "string", "1.0.0", "Returns the string value of a key.", READONLY, FAST)
            .command((c, r) -> get(view(c), key(r, 1)))
            .transactional(oneKey((r, tx) -> bulkOrNull(tx.get(key(r, 1))))));
    table.add(
        spec("set", -3, "string", "1.0.0", "Sets the string value of a key.", WRITE, DENYOOM)
            .command((c, r) -> set(c, r))
            .transactional(oneKey((r, tx) -> Keyspace.apply(setEdit(r), tx))));
    table.add(
        spec("setnx", 3, "string", "1.0.0", "Sets a key only when it does not exist.", WRITE)
            .command(
                (c, r) -> {
                  StatelessCache view = view(c);
                  String key = key(r, 1);
                  Object value = value(r.arg(2));
                  return Reply.later(
                      keyspace
                          .locks()
                          .write(key, () -> view.set(key, value, SetOptions.none().ifAbsent()))
                          .thenApply(w -> Reply.integer(w ? 1 : 0)));
                })
            .transactional(
                oneKey(
                    (r, tx) -> {
                      byte[] v = r.arg(2);
                      return Keyspace.apply(
                          new KeyEdit(
                              key(r, 1),
                              SetOptions.none(),
                              old ->
                                  old == null
                                      ? KeyEdit.Outcome.write(v, Reply.integer(1))
                                      : KeyEdit.Outcome.keep(Reply.integer(0))),
                          tx);
                    })));
    table.add(
        spec("setex", 4, "string", "2.0.0", "Sets a key and its expiry in seconds.", WRITE)
            .command((c, r) -> setWithExpiry(c, r, 1000, "setex"))
            .transactional(oneKey((r, tx) -> setWithExpiryIn(tx, r, 1000, "setex"))));
    table.add(
        spec("psetex", 4, "string", "2.6.0", "Sets a key and its expiry in milliseconds.", WRITE)
            .command((c, r) -> setWithExpiry(c, r, 1, "psetex"))
            .transactional(oneKey((r, tx) -> setWithExpiryIn(tx, r, 1, "psetex"))));
    table.add(
        spec("mget", -2, "string", "1.0.0", "Returns the values of keys.", READONLY, FAST)
            .command((c, r) -> mget(view(c), r))
            .transactional(
                keys(
                    1,
                    1,
                    (r, tx) -> {
                      List<Reply> values = new ArrayList<>();
                      for (int i = 1; i < r.argc(); i++) {
                        values.add(bulkOrNull(tx.get(key(r, i))));
                      }
                      return Reply.array(values);
                    })));
    table.add(
        spec("mset", -3, "string", "1.0.1", "Sets the values of keys, atomically.", WRITE)
            .command((c, r) -> mset(c, r))
            .transactional(
                keys(
                    1,
                    2,
                    (r, tx) -> {
                      if (r.argc() % 2 != 1) {
                        return Reply.error("ERR wrong number of arguments for 'mset' command");
                      }
                      for (int i = 1; i < r.argc(); i += 2) {
                        tx.put(key(r, i), r.arg(i + 1), SetOptions.none());
                      }
                      return Reply.OK;
                    })));
    table.add(
        spec("strlen", 2, "string", "2.2.0", "Returns the length of a value.", READONLY, FAST)
            .command(
                (c, r) ->
                    Reply.later(
                        view(c)
                            .get(key(r, 1))
                            .thenApply(v -> Reply.integer(v == null ? 0 : bytes(v).length))))
            .transactional(
                oneKey(
                    (r, tx) -> {
                      byte[] v = tx.get(key(r, 1));
                      return Reply.integer(v == null ? 0 : v.length);
                    })));
    for (String name : List.of("incr", "decr")) {
      long delta = name.equals("incr") ? 1 : -1;
      table.add(
          spec(name, 2, "string", "1.0.0", "Adds " + delta + " to an integer value.", WRITE)
              .command((c, r) -> increment(c, key(r, 1), delta))
              .transactional(
                  oneKey((r, tx) -> Keyspace.apply(incrementEdit(key(r, 1), delta), tx))));
    }
    for (String name : List.of("incrby", "decrby")) {
      long sign = name.equals("incrby") ? 1 : -1;
      table.add(
          spec(name, 3, "string", "1.0.0", "Adds a number to an integer value.", WRITE)
              .command((c, r) -> increment(c, key(r, 1), incrementBy(r, sign)))
              .transactional(
                  oneKey(
                      (r, tx) ->
                          Keyspace.apply(incrementEdit(key(r, 1), incrementBy(r, sign)), tx))));
    }
    for (String name : List.of("del", "unlink")) {
      table.add(
          spec(name, -2, "keyspace", "1.0.0", "Deletes keys; returns how many existed.", WRITE)
              .command((c, r) -> del(c, r))
              .transactional(
                  keys(
                      1,
                      1,
                      (r, tx) -> {
                        long n = 0;
                        for (int i = 1; i < r.argc(); i++) {
                          String key = key(r, i);
                          if (tx.get(key) != null) {
                            n++;
                            tx.put(key, null, null);
                          }
                        }
                        return Reply.integer(n);
                      })));
    }
    table.add(
        spec("exists", -2, "keyspace", "3.0.3", "Counts the keys that exist.", READONLY, FAST)
            .command((c, r) -> exists(view(c), r))
            .transactional(
                keys(
                    1,
                    1,
                    (r, tx) -> {
                      long n = 0;
                      for (int i = 1; i < r.argc(); i++) {
                        n += tx.get(key(r, i)) != null ? 1 : 0;
                      }
                      return Reply.integer(n);
                    })));
    table.add(
        spec("type", 2, "keyspace", "1.0.0", "Returns the type of a key.", READONLY, FAST)
            .command(
                (c, r) ->
                    Reply.later(
                        view(c)
                            .exists(key(r, 1))
                            .thenApply(e -> Reply.simple(e ? "string" : "none"))))
            .transactional(
                oneKey((r, tx) -> Reply.simple(tx.get(key(r, 1)) != null ? "string" : "none"))));
    for (Expiry.Form form : Expiry.Form.values()) {
      table.add(
          spec(form.command, -3, "keyspace", form.since, form.summary, WRITE, FAST)
              .command((c, r) -> expire(c, r, form))
              .transactional(oneKey((r, tx) -> expireIn(tx, r, form))));
    }
    table.add(
        spec("persist", 2, "keyspace", "2.2.0", "Removes a key's expiry.", WRITE, FAST)
            .command((c, r) -> persist(c, key(r, 1)))
            .transactional(
                oneKey(
                    (r, tx) -> {
                      String key = key(r, 1);
                      if (tx.pttl(key) < 0) {
                        return Reply.integer(0);
                      }
                      tx.expireAt(key, -1);
                      return Reply.integer(1);
                    })));
    table.add(
        spec("ttl", 2, "keyspace", "1.0.0", "Returns a key's expiry in seconds.", READONLY, FAST)
            .command((c, r) -> ttl(view(c), key(r, 1), 1000))
            .transactional(oneKey((r, tx) -> ttlReply(tx.pttl(key(r, 1)), 1000))));
    table.add(
        spec("pttl", 2, "keyspace", "2.6.0", "Returns a key's expiry in ms.", READONLY, FAST)
            .command((c, r) -> ttl(view(c), key(r, 1), 1))
            .transactional(oneKey((r, tx) -> ttlReply(tx.pttl(key(r, 1)), 1))));
    table.add(
        spec("keys", 2, "keyspace", "1.0.0", "Returns the keys matching a pattern.", READONLY)
            .flags(CommandFlag.NO_MULTI)
            .command(
                (c, r) ->
                    Reply.later(
                        view(c)
                            .scan(key(r, 1))
                            .thenApply(
                                keys -> Reply.array(keys.stream().map(Reply::bulk).toList())))));
    table.add(
        spec("dbsize", 1, "server", "1.0.0", "Returns the number of keys.", READONLY, FAST)
            .flags(CommandFlag.NO_MULTI)
            .command(
                (c, r) ->
                    Reply.later(view(c).scan("*").thenApply(keys -> Reply.integer(keys.size())))));
    new StringCommands(keyspace).registerInto(table);
    new LeaseCommands(keyspace).registerInto(table);
    new StreamCommands(keyspace).registerInto(table);
    new ScanCommands(keyspace).registerInto(table);
    new TransactionCommands(keyspace).registerInto(table);
  }

  // ---------------------------------------------------------------- transactions

  /** The transactional form of a command of one key, the first argument. */
  TransactionalCommand oneKey(BiFunction<Request, TransactionKeys, Reply> apply) {
    return keys(1, Integer.MAX_VALUE, apply);
  }

  /**
   * The transactional form of a command whose keys are every {@code step}-th argument from {@code
   * first} ({@code step} past the end: the first only).
   */
  TransactionalCommand keys(
      int first, int step, BiFunction<Request, TransactionKeys, Reply> apply) {
    return keysOf(keyspace, first, step, apply);
  }

  static TransactionalCommand keysOf(
      Keyspace keyspace, int first, int step, BiFunction<Request, TransactionKeys, Reply> apply) {
    return new TransactionalCommand() {
      @Override
      public List<String> keys(Client client, Request request) {
        keyspace.view(client); // the user's rights, checked when queued
        List<String> keys = new ArrayList<>();
        for (int i = first; i < request.argc(); i += step) {
          keys.add(key(request, i));
          if (step == Integer.MAX_VALUE) {
            break;
          }
        }
        return keys;
      }

      @Override
      public Reply apply(Request request, TransactionKeys keys) {
        try {
          return apply.apply(request, keys);
        } catch (ReplyException e) {
          return e.reply();
        }
      }
    };
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

  static CommandSpec.Builder spec(
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

  static Reply bulkOrNull(@Nullable Object value) {
    return value == null ? Reply.NULL_BULK : Reply.bulk(bytes(value));
  }

  // ---------------------------------------------------------------- SET

  /** A parsed {@code SET}. */
  @SuppressWarnings("ArrayRecordComponent") // a carrier from parse to use, never compared
  private record SetArgs(
      String key,
      byte[] value,
      boolean nx,
      boolean xx,
      boolean get,
      boolean keepTtl,
      @Nullable Duration ttl) {}

  private SetArgs parseSet(Request r) {
    boolean nx = false;
    boolean xx = false;
    boolean get = false;
    boolean keepTtl = false;
    Duration ttl = null;
    for (int i = 3; i < r.argc(); i++) {
      String option = r.lower(i);
      switch (option) {
        case "nx" -> nx = true;
        case "xx" -> xx = true;
        case "get" -> get = true;
        case "keepttl" -> keepTtl = true;
        case "ex", "px", "exat", "pxat" -> {
          if (ttl != null || i + 1 >= r.argc()) {
            throw new ReplyException(ErrorReplies.SYNTAX);
          }
          ttl = expiry(r.arg(++i), option, "set");
        }
        default -> throw new ReplyException(ErrorReplies.SYNTAX);
      }
    }
    if ((nx && xx) || (keepTtl && ttl != null)) {
      throw new ReplyException(ErrorReplies.SYNTAX);
    }
    return new SetArgs(key(r, 1), r.arg(2), nx, xx, get, keepTtl, ttl);
  }

  /** The TTL of an EX, PX, EXAT or PXAT argument; Redis's errors for a bad one. */
  Duration expiry(byte[] arg, String option, String command) {
    long n = RedisNumbers.parseLong(arg);
    if (n == RedisNumbers.INVALID) {
      throw new ReplyException(ErrorReplies.NOT_INTEGER);
    }
    long millis = millisFromNow(option, n, keyspace.clock().millis());
    if (n <= 0 || millis <= 0) { // an overflow is Long.MIN_VALUE
      throw new ReplyException(invalidExpireTime(command));
    }
    return Duration.ofMillis(millis);
  }

  private Reply set(Client c, Request r) {
    SetArgs a = parseSet(r);
    if (a.get() || a.keepTtl()) {
      return keyspace.run(c, setEdit(a)); // reads the old value or TTL: one atomicUpdate
    }
    StatelessCache view = view(c);
    SetOptions options = a.ttl() == null ? SetOptions.none() : SetOptions.ttl(a.ttl());
    if (a.nx()) {
      options = options.ifAbsent();
    } else if (a.xx()) {
      options = options.ifPresent();
    }
    SetOptions chosen = options;
    Object value = value(a.value());
    return Reply.later(
        keyspace
            .locks()
            .write(a.key(), () -> view.set(a.key(), value, chosen))
            .thenApply(written -> written ? Reply.OK : Reply.NULL_BULK));
  }

  private KeyEdit setEdit(Request r) {
    return setEdit(parseSet(r));
  }

  private static KeyEdit setEdit(SetArgs a) {
    SetOptions ttl =
        a.keepTtl() ? null : a.ttl() == null ? SetOptions.none() : SetOptions.ttl(a.ttl());
    return new KeyEdit(
        a.key(),
        ttl,
        old -> {
          Reply reply = a.get() ? bulkOrNull(old) : Reply.OK;
          if ((a.nx() && old != null) || (a.xx() && old == null)) {
            return KeyEdit.Outcome.keep(a.get() ? reply : Reply.NULL_BULK);
          }
          return KeyEdit.Outcome.write(a.value(), reply);
        });
  }

  /**
   * The TTL, in milliseconds from {@code nowMillis}, that an EX, PX, EXAT or PXAT of {@code n}
   * gives (zero or less: already past); {@code Long.MIN_VALUE} when it overflows.
   */
  static long millisFromNow(String option, long n, long nowMillis) {
    try {
      return switch (option) {
        case "ex" -> Math.multiplyExact(n, 1000);
        case "px" -> n;
        case "exat" -> Math.multiplyExact(n, 1000) - nowMillis;
        default -> n - nowMillis;
      };
    } catch (ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }

  static Reply invalidExpireTime(String command) {
    return Reply.error("ERR invalid expire time in '" + command + "' command");
  }

  private static Duration expiryIn(Request r, long unitMillis, String command) {
    long n = RedisNumbers.parseLong(r.arg(2));
    if (n == RedisNumbers.INVALID) {
      throw new ReplyException(ErrorReplies.NOT_INTEGER);
    }
    if (n <= 0 || n > Long.MAX_VALUE / unitMillis) {
      throw new ReplyException(invalidExpireTime(command));
    }
    return Duration.ofMillis(n * unitMillis);
  }

  private Reply setWithExpiry(Client c, Request r, long unitMillis, String command) {
    Duration ttl = expiryIn(r, unitMillis, command);
    StatelessCache view = view(c);
    String key = key(r, 1);
    Object value = value(r.arg(3));
    return Reply.later(
        keyspace
            .locks()
            .write(key, () -> view.set(key, value, SetOptions.ttl(ttl)))
            .thenApply(w -> Reply.OK));
  }

  private static Reply setWithExpiryIn(
      TransactionKeys tx, Request r, long unitMillis, String command) {
    Duration ttl = expiryIn(r, unitMillis, command);
    tx.put(key(r, 1), r.arg(3), SetOptions.ttl(ttl));
    return Reply.OK;
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

  private Reply mset(Client c, Request r) {
    if (r.argc() % 2 != 1) {
      return Reply.error("ERR wrong number of arguments for 'mset' command");
    }
    StatelessCache view = view(c);
    List<String> keys = new ArrayList<>();
    for (int i = 1; i < r.argc(); i += 2) {
      keys.add(key(r, i));
    }
    return Reply.later(
        keyspace
            .locks()
            .write(
                keys,
                () ->
                    view.atomicBatch(
                        tx -> {
                          for (int i = 1; i < r.argc(); i += 2) {
                            tx.set(key(r, i), value(r.arg(i + 1)));
                          }
                        }))
            .thenApply(done -> Reply.OK));
  }

  private Reply del(Client c, Request r) {
    StatelessCache view = view(c);
    List<String> keys = new ArrayList<>();
    for (int i = 1; i < r.argc(); i++) {
      keys.add(key(r, i));
    }
    return Reply.later(
        keyspace
            .locks()
            .write(
                keys,
                () -> {
                  List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
                  for (String key : keys) {
                    deletes.add(view.del(key));
                  }
                  return count(deletes);
                }));
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

  // ---------------------------------------------------------------- numbers

  private Reply increment(Client c, String key, long delta) {
    StatelessCache view = view(c);
    return Reply.later(
        keyspace.locks().write(key, () -> view.increment(key, delta)).thenApply(Reply::integer));
  }

  private static long incrementBy(Request r, long sign) {
    long by = RedisNumbers.parseLong(r.arg(2));
    if (by == RedisNumbers.INVALID || (sign < 0 && by == Long.MIN_VALUE)) {
      throw new ReplyException(ErrorReplies.NOT_INTEGER);
    }
    return sign * by;
  }

  /** {@code INCRBY} inside {@code EXEC}, with Redis's errors. */
  private static KeyEdit incrementEdit(String key, long delta) {
    return new KeyEdit(
        key,
        null,
        old -> {
          long current = 0;
          if (old != null) {
            current = RedisNumbers.parseLong(old);
            if (current == RedisNumbers.INVALID) {
              throw new ReplyException(ErrorReplies.NOT_INTEGER);
            }
          }
          long next;
          try {
            next = Math.addExact(current, delta);
          } catch (ArithmeticException e) {
            throw new ReplyException(Reply.error("ERR increment or decrement would overflow"));
          }
          return KeyEdit.Outcome.write(
              Long.toString(next).getBytes(StandardCharsets.US_ASCII), Reply.integer(next));
        });
  }

  // ---------------------------------------------------------------- expiry

  /** The expiry commands' forms and options ({@code NX XX GT LT}). */
  static final class Expiry {
    enum Form {
      EXPIRE("expire", "1.0.0", "Sets a key's expiry in seconds.", 1000, false),
      PEXPIRE("pexpire", "2.6.0", "Sets a key's expiry in ms.", 1, false),
      EXPIREAT("expireat", "1.2.0", "Sets a key's expiry to a Unix time in seconds.", 1000, true),
      PEXPIREAT("pexpireat", "2.6.0", "Sets a key's expiry to a Unix time in ms.", 1, true);

      final String command;
      final String since;
      final String summary;
      final long unitMillis;
      final boolean absolute;

      Form(String command, String since, String summary, long unitMillis, boolean absolute) {
        this.command = command;
        this.since = since;
        this.summary = summary;
        this.unitMillis = unitMillis;
        this.absolute = absolute;
      }
    }

    final String key;
    final long atMillis;
    final boolean nx;
    final boolean xx;
    final boolean gt;
    final boolean lt;

    private Expiry(String key, long atMillis, boolean nx, boolean xx, boolean gt, boolean lt) {
      this.key = key;
      this.atMillis = atMillis;
      this.nx = nx;
      this.xx = xx;
      this.gt = gt;
      this.lt = lt;
    }

    static Expiry parse(Request r, Form form, long nowMillis) {
      long n = RedisNumbers.parseLong(r.arg(2));
      if (n == RedisNumbers.INVALID) {
        throw new ReplyException(ErrorReplies.NOT_INTEGER);
      }
      boolean nx = false;
      boolean xx = false;
      boolean gt = false;
      boolean lt = false;
      for (int i = 3; i < r.argc(); i++) {
        switch (r.lower(i)) {
          case "nx" -> nx = true;
          case "xx" -> xx = true;
          case "gt" -> gt = true;
          case "lt" -> lt = true;
          default -> throw new ReplyException(Reply.error("ERR Unsupported option " + r.string(i)));
        }
      }
      if (nx && (xx || gt || lt)) {
        throw new ReplyException(
            Reply.error("ERR NX and XX, GT or LT options at the same time are not compatible"));
      }
      if (gt && lt) {
        throw new ReplyException(
            Reply.error("ERR GT and LT options at the same time are not compatible"));
      }
      long at;
      try {
        long millis = Math.multiplyExact(n, form.unitMillis);
        at = form.absolute ? millis : Math.addExact(millis, nowMillis);
      } catch (ArithmeticException e) {
        throw new ReplyException(invalidExpireTime(form.command));
      }
      return new Expiry(key(r, 1), at, nx, xx, gt, lt);
    }

    /** Whether the options let the expiry change, given the key's PTTL (-1: none). */
    boolean applies(long pttl, long nowMillis) {
      long current = pttl < 0 ? Long.MAX_VALUE : nowMillis + pttl; // no expiry: forever
      if (nx) {
        return pttl < 0;
      }
      if (xx && pttl < 0) {
        return false;
      }
      if (gt) {
        return pttl >= 0 && atMillis > current;
      }
      if (lt) {
        return atMillis < current;
      }
      return true;
    }
  }

  private Reply expire(Client c, Request r, Expiry.Form form) {
    long now = keyspace.clock().millis();
    Expiry e = Expiry.parse(r, form, now);
    StatelessCache view = view(c);
    return Reply.later(
        keyspace
            .locks()
            .write(
                e.key,
                () ->
                    view.ttlMillis(e.key)
                        .thenCompose(
                            pttl -> {
                              if (pttl == -2 || !e.applies(pttl, now)) {
                                return CompletableFuture.completedFuture(false);
                              }
                              long left = e.atMillis - keyspace.clock().millis();
                              if (left <= 0) {
                                // Redis deletes a key given an expiry that has passed
                                return view.del(e.key).thenApply(d -> true);
                              }
                              return view.expire(e.key, Duration.ofMillis(left));
                            }))
            .thenApply(set -> Reply.integer(set ? 1 : 0)));
  }

  private static Reply expireIn(TransactionKeys tx, Request r, Expiry.Form form) {
    Expiry e = Expiry.parse(r, form, tx.nowMillis());
    long pttl = tx.pttl(e.key);
    if (pttl == -2 || !e.applies(pttl, tx.nowMillis())) {
      return Reply.integer(0);
    }
    tx.expireAt(e.key, e.atMillis);
    return Reply.integer(1);
  }

  @SuppressWarnings(
      "NullAway") // the update's function returns null to delete (UnaryOperator<@Nullable V>)
  private Reply persist(Client c, String key) {
    StatelessCache view = view(c);
    return Reply.later(
        keyspace
            .locks()
            .write(
                key,
                () ->
                    view.ttlMillis(key)
                        .thenCompose(
                            pttl ->
                                pttl < 0
                                    ? CompletableFuture.completedFuture(false)
                                    // the same value, written anew with no expiry
                                    : view.<Object>atomicUpdate(
                                            key, KeyCommands::rewritten, SetOptions.none())
                                        .thenApply(v -> v != null)))
            .thenApply(done -> Reply.integer(done ? 1 : 0)));
  }

  /** The same value as a new object: written anew, not left unchanged. */
  private static @Nullable Object rewritten(@Nullable Object v) {
    return v == null ? null : value(bytes(v));
  }

  private static Reply ttl(StatelessCache view, String key, long unitMillis) {
    return Reply.later(view.ttlMillis(key).thenApply(ms -> ttlReply(ms, unitMillis)));
  }

  private static Reply ttlReply(long ms, long unitMillis) {
    return Reply.integer(ms < 0 ? ms : unitMillis == 1 ? ms : (ms + unitMillis / 2) / unitMillis);
  }
}
