package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.DENYOOM;
import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.READONLY;
import static dev.stateless.edge.internal.CommandFlag.WRITE;
import static dev.stateless.edge.internal.KeyCommands.bulkOrNull;
import static dev.stateless.edge.internal.KeyCommands.key;
import static dev.stateless.edge.internal.KeyCommands.spec;

import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The string commands that read a value to write the next ({@code GETSET}, {@code GETDEL}, {@code
 * GETEX}, {@code APPEND}, {@code SETRANGE}, {@code INCRBYFLOAT}), each one {@code atomicUpdate} of
 * its key ({@link KeyEdit}: no lost update, from any client of any node), and {@code GETRANGE},
 * {@code MSETNX}.
 */
final class StringCommands implements CommandSet {
  /** Redis's {@code proto-max-bulk-len}: the longest value {@code SETRANGE} may make. */
  private static final long MAX_STRING = 512L * 1024 * 1024;

  private final Keyspace keyspace;

  StringCommands(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    edit(table, "getset", 3, "1.0.0", "Sets a key, returning its old value.", this::getset);
    edit(table, "getdel", 2, "6.2.0", "Deletes a key, returning its value.", this::getdel);
    edit(table, "getex", -2, "6.2.0", "Returns a value and sets its expiry.", this::getex);
    edit(table, "append", 3, "2.0.0", "Appends to a value; returns its length.", this::append);
    edit(table, "setrange", 4, "2.2.0", "Overwrites part of a value.", this::setrange);
    edit(
        table,
        "incrbyfloat",
        3,
        "2.6.0",
        "Adds a floating point number to a value.",
        this::incrbyfloat);
    table.add(
        spec("getrange", 4, "string", "2.4.0", "Returns a substring of a value.", READONLY)
            .command(
                (c, r) -> {
                  long[] range = range(r);
                  return Reply.later(
                      Keyspace.read(keyspace.view(c), key(r, 1))
                          .thenApply(v -> substring(v, range)));
                })
            .transactional(oneKey((r, tx) -> substring(tx.get(key(r, 1)), range(r)))));
    table.add(
        spec("msetnx", -3, "string", "1.0.1", "Sets keys only when none exists.", WRITE, DENYOOM)
            .command(this::msetnx)
            .transactional(
                KeyCommands.keysOf(
                    keyspace,
                    1,
                    2,
                    (r, tx) -> {
                      checkPairs(r);
                      for (int i = 1; i < r.argc(); i += 2) {
                        if (tx.get(key(r, i)) != null) {
                          return Reply.integer(0);
                        }
                      }
                      for (int i = 1; i < r.argc(); i += 2) {
                        tx.put(key(r, i), r.arg(i + 1), SetOptions.none());
                      }
                      return Reply.integer(1);
                    })));
  }

  /** Registers a command of one key that is one {@link KeyEdit}, alone and inside EXEC. */
  private void edit(
      CommandTable.Builder table,
      String name,
      int arity,
      String since,
      String summary,
      Function<Request, KeyEdit> parse) {
    table.add(
        spec(name, arity, "string", since, summary, WRITE, DENYOOM, FAST)
            .command((c, r) -> keyspace.run(c, parse.apply(r)))
            .transactional(oneKey((r, tx) -> Keyspace.apply(parse.apply(r), tx))));
  }

  private TransactionalCommand oneKey(BiFunction<Request, TransactionKeys, Reply> apply) {
    return KeyCommands.keysOf(keyspace, 1, Integer.MAX_VALUE, apply);
  }

  // ---------------------------------------------------------------- the edits

  private KeyEdit getset(Request r) {
    byte[] value = r.arg(2);
    return new KeyEdit(
        key(r, 1), SetOptions.none(), old -> KeyEdit.Outcome.write(value, bulkOrNull(old)));
  }

  private KeyEdit getdel(Request r) {
    return new KeyEdit(
        key(r, 1),
        null,
        old ->
            old == null
                ? KeyEdit.Outcome.keep(Reply.NULL_BULK)
                : KeyEdit.Outcome.write(null, bulkOrNull(old)));
  }

  private KeyEdit getex(Request r) {
    SetOptions ttl = null;
    boolean persist = false;
    boolean past = false;
    boolean expiry = false;
    for (int i = 2; i < r.argc(); i++) {
      String option = r.lower(i);
      switch (option) {
        case "persist" -> {
          if (expiry) {
            throw new ReplyException(ErrorReplies.SYNTAX);
          }
          persist = true;
        }
        case "ex", "px", "exat", "pxat" -> {
          if (persist || expiry || i + 1 >= r.argc()) {
            throw new ReplyException(ErrorReplies.SYNTAX);
          }
          expiry = true;
          long n = RedisNumbers.parseLong(r.arg(++i));
          if (n == RedisNumbers.INVALID) {
            throw new ReplyException(ErrorReplies.NOT_INTEGER);
          }
          if (n <= 0) {
            throw new ReplyException(KeyCommands.invalidExpireTime("getex"));
          }
          long millis = KeyCommands.millisFromNow(option, n, keyspace.clock().millis());
          if (millis == Long.MIN_VALUE) {
            throw new ReplyException(KeyCommands.invalidExpireTime("getex"));
          }
          if (millis <= 0) {
            past = true; // Redis deletes the key, after replying its value
          } else {
            ttl = SetOptions.ttl(Duration.ofMillis(millis));
          }
        }
        default -> throw new ReplyException(ErrorReplies.SYNTAX);
      }
    }
    boolean delete = past;
    boolean change = persist || expiry;
    return new KeyEdit(
        key(r, 1),
        persist ? SetOptions.none() : ttl,
        old -> {
          if (old == null || !change) {
            return KeyEdit.Outcome.keep(bulkOrNull(old));
          }
          // the same value, written anew with the new expiry
          return KeyEdit.Outcome.write(delete ? null : old.clone(), bulkOrNull(old));
        });
  }

  private KeyEdit append(Request r) {
    byte[] tail = r.arg(2);
    return new KeyEdit(
        key(r, 1),
        null,
        old -> {
          byte[] head = old == null ? new byte[0] : old;
          checkLength((long) head.length + tail.length);
          byte[] next = new byte[head.length + tail.length];
          System.arraycopy(head, 0, next, 0, head.length);
          System.arraycopy(tail, 0, next, head.length, tail.length);
          return KeyEdit.Outcome.write(next, Reply.integer(next.length));
        });
  }

  private KeyEdit setrange(Request r) {
    long offset = RedisNumbers.parseLong(r.arg(2));
    if (offset == RedisNumbers.INVALID) {
      throw new ReplyException(ErrorReplies.NOT_INTEGER);
    }
    if (offset < 0) {
      throw new ReplyException(Reply.error("ERR offset is out of range"));
    }
    byte[] part = r.arg(3);
    return new KeyEdit(
        key(r, 1),
        null,
        old -> {
          if (part.length == 0) {
            // Redis neither creates nor changes a key for an empty write
            return KeyEdit.Outcome.keep(Reply.integer(old == null ? 0 : old.length));
          }
          checkLength(offset + part.length);
          int length = (int) Math.max(old == null ? 0 : old.length, offset + part.length);
          byte[] next = new byte[length];
          if (old != null) {
            System.arraycopy(old, 0, next, 0, old.length);
          }
          System.arraycopy(part, 0, next, (int) offset, part.length);
          return KeyEdit.Outcome.write(next, Reply.integer(next.length));
        });
  }

  private static void checkLength(long length) {
    if (length > MAX_STRING) {
      throw new ReplyException(
          Reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    }
  }

  private KeyEdit incrbyfloat(Request r) {
    BigDecimal by = decimal(r.arg(2));
    return new KeyEdit(
        key(r, 1),
        null,
        old -> {
          BigDecimal sum = (old == null ? BigDecimal.ZERO : decimal(old)).add(by);
          byte[] text = format(sum).getBytes(StandardCharsets.US_ASCII);
          return KeyEdit.Outcome.write(text, Reply.bulk(text));
        });
  }

  /**
   * A float as Redis reads one ({@code string2ld}): decimal, optional exponent, no spaces; {@code
   * inf} and {@code nan} are no increment.
   */
  static BigDecimal decimal(byte[] text) {
    String s = new String(text, StandardCharsets.ISO_8859_1);
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("inf") || lower.contains("nan")) {
      throw new ReplyException(Reply.error("ERR increment would produce NaN or Infinity"));
    }
    if (s.isEmpty()
        || s.length() > 5 * 1024
        || Character.isWhitespace(s.charAt(0))
        || !s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
      throw new ReplyException(Reply.error("ERR value is not a valid float"));
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ReplyException(Reply.error("ERR value is not a valid float"));
    }
  }

  /** Redis's text of a float: no exponent, no trailing zeros ({@code %.17Lf}, trimmed). */
  static String format(BigDecimal value) {
    BigDecimal v = value.setScale(Math.min(value.scale(), 17), java.math.RoundingMode.HALF_EVEN);
    String s = v.stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }

  // ---------------------------------------------------------------- GETRANGE, MSETNX

  private static long[] range(Request r) {
    long start = RedisNumbers.parseLong(r.arg(2));
    long end = RedisNumbers.parseLong(r.arg(3));
    if (start == RedisNumbers.INVALID || end == RedisNumbers.INVALID) {
      throw new ReplyException(ErrorReplies.NOT_INTEGER);
    }
    return new long[] {start, end};
  }

  /** {@code GETRANGE}'s substring, as Redis 7 computes it ({@code getrangeCommand}). */
  static Reply substring(byte @Nullable [] value, long[] range) {
    long start = range[0];
    long end = range[1];
    long length = value == null ? 0 : value.length;
    if (value == null || (start < 0 && end < 0 && start > end)) {
      return Reply.bulk(new byte[0]);
    }
    if (start < 0) {
      start = length + start;
    }
    if (end < 0) {
      end = length + end;
    }
    start = Math.max(0, start);
    end = Math.max(0, end);
    if (end >= length) {
      end = length - 1;
    }
    if (start > end || length == 0) {
      return Reply.bulk(new byte[0]);
    }
    byte[] part = new byte[(int) (end - start + 1)];
    System.arraycopy(value, (int) start, part, 0, part.length);
    return Reply.bulk(part);
  }

  private static void checkPairs(Request r) {
    if (r.argc() % 2 != 1) {
      throw new ReplyException(
          Reply.error("ERR wrong number of arguments for '" + r.lower(0) + "' command"));
    }
  }

  /**
   * {@code MSETNX}: in the node's order of the keys' writes, checks that none exists, then writes
   * them all in one {@code atomicBatch}.
   */
  private Reply msetnx(Client c, Request r) {
    checkPairs(r);
    StatelessCache view = keyspace.view(c);
    List<String> keys = new ArrayList<>();
    for (int i = 1; i < r.argc(); i += 2) {
      keys.add(key(r, i));
    }
    return Reply.later(
        keyspace
            .locks()
            .write(
                keys,
                () -> {
                  List<CompletableFuture<Boolean>> checks = new ArrayList<>();
                  keys.forEach(k -> checks.add(view.exists(k)));
                  return CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
                      .thenCompose(
                          x -> {
                            if (checks.stream().anyMatch(CompletableFuture::join)) {
                              return CompletableFuture.completedFuture(Reply.integer(0));
                            }
                            return view.atomicBatch(
                                    tx -> {
                                      for (int i = 1; i < r.argc(); i += 2) {
                                        tx.set(key(r, i), KeyCommands.value(r.arg(i + 1)));
                                      }
                                    })
                                .thenApply(done -> Reply.integer(1));
                          });
                }));
  }
}
