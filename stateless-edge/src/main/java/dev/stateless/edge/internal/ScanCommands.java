package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.NO_MULTI;
import static dev.stateless.edge.internal.CommandFlag.READONLY;
import static dev.stateless.edge.internal.CommandFlag.WRITE;
import static dev.stateless.edge.internal.KeyCommands.spec;

import dev.stateless.StatelessCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code SCAN} and {@code FLUSHDB}/{@code FLUSHALL}.
 *
 * <p>{@code SCAN}'s cursor is a position in a fixed order of all possible keys: by a 63-bit hash of
 * the key ({@link #position}), the same on every call and every node. A call returns the matching
 * keys from the cursor on, in that order, until it has {@code COUNT} of them (and every key sharing
 * the last one's hash), and the next cursor is the position after the last; {@code 0} once none is
 * left. So, as Redis guarantees, a full iteration ends, and returns every key present from its
 * start to its end at least once (keys added or removed meanwhile may or may not be). Each call
 * lists the keys through the runtime's {@code scan(glob)}: its cost is the number of keys, not
 * {@code COUNT}.
 *
 * <p>{@code FLUSHDB} and {@code FLUSHALL} drop every key; only a user acting for every owner may
 * (the default user on a node without a manifest or with {@code --default-user all}).
 */
final class ScanCommands implements CommandSet {
  private final Keyspace keyspace;

  ScanCommands(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table.add(
        spec("scan", -2, "keyspace", "2.8.0", "Iterates over the keys.", READONLY, NO_MULTI)
            .command(this::scan));
    for (String name : List.of("flushdb", "flushall")) {
      table.add(
          spec(name, -1, "server", "1.0.0", "Deletes every key.", WRITE, NO_MULTI)
              .command(this::flush));
    }
  }

  /** A key's place in the cursor's order: a 63-bit FNV-1a hash of its UTF-8 bytes, mixed. */
  static long position(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h >>> 1;
  }

  private Reply scan(Client c, Request r) {
    long cursor = cursor(r.string(1));
    String match = "*";
    long count = 10;
    boolean strings = true;
    for (int i = 2; i < r.argc(); i++) {
      String option = r.lower(i);
      if (i + 1 >= r.argc()) {
        return ErrorReplies.SYNTAX;
      }
      switch (option) {
        case "match" -> match = KeyCommands.key(r, ++i);
        case "count" -> {
          count = RedisNumbers.parseLong(r.arg(++i));
          if (count == RedisNumbers.INVALID) {
            return ErrorReplies.NOT_INTEGER;
          }
          if (count < 1) {
            return ErrorReplies.SYNTAX;
          }
        }
        case "type" -> strings = r.lower(++i).equals("string");
        default -> {
          return ErrorReplies.SYNTAX;
        }
      }
    }
    StatelessCache view = keyspace.view(c);
    if (cursor < 0 || !strings) {
      return page(0, List.of()); // past the end, or a type the node does not hold
    }
    long limit = count;
    return Reply.later(
        view.scan(match)
            .thenApply(
                keys -> {
                  List<String> after = new ArrayList<>();
                  for (String k : keys) {
                    if (position(k) >= cursor) {
                      after.add(k);
                    }
                  }
                  after.sort(Comparator.comparingLong(ScanCommands::position));
                  int n = (int) Math.min(limit, after.size());
                  if (n == after.size()) {
                    return page(0, after);
                  }
                  long last = position(after.get(n - 1));
                  while (n < after.size() && position(after.get(n)) == last) {
                    n++; // keys of one position go together, or the next cursor would skip some
                  }
                  return page(n == after.size() ? 0 : last + 1, after.subList(0, n));
                }));
  }

  /**
   * A cursor as Redis reads one ({@code strtoull}): an unsigned 64-bit decimal; {@code -1} for one
   * past every position (they are below 2^63).
   */
  private static long cursor(String text) {
    boolean digits = !text.isEmpty() && text.length() <= 20;
    for (int i = 0; i < text.length() && digits; i++) {
      digits = Character.isDigit(text.charAt(i)) || (i == 0 && text.charAt(i) == '-');
    }
    try {
      if (!digits) {
        throw new NumberFormatException(text);
      }
      long n = text.startsWith("-") ? Long.parseLong(text) : Long.parseUnsignedLong(text);
      return n; // negative: at or past 2^63 as an unsigned number, beyond every position
    } catch (NumberFormatException e) {
      throw new ReplyException(Reply.error("ERR invalid cursor"));
    }
  }

  private static Reply page(long next, List<String> keys) {
    return Reply.array(
        List.of(
            Reply.bulk(Long.toUnsignedString(next)),
            Reply.array(keys.stream().map(Reply::bulk).toList())));
  }

  private Reply flush(Client c, Request r) {
    if (r.argc() > 2 || (r.argc() == 2 && !List.of("async", "sync").contains(r.lower(1)))) {
      return ErrorReplies.SYNTAX;
    }
    if (!c.user().equals(Users.DEFAULT) || !keyspace.defaultUserActsForAllOwners()) {
      return Reply.error(
          "NOPERM SL003 user "
              + c.user()
              + " may not flush this node's keys: "
              + r.lower(0).toUpperCase(java.util.Locale.ROOT)
              + " drops every owner's keys; help: only the default user on a node that lets it"
              + " act for every owner (no manifest, or --default-user all) may flush; delete your"
              + " own keys with DEL");
    }
    StatelessCache view = keyspace.view(c);
    return Reply.later(
        view.scan("*")
            .thenCompose(
                keys ->
                    keyspace
                        .locks()
                        .write(
                            keys,
                            () -> {
                              List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
                              keys.forEach(k -> deletes.add(view.del(k)));
                              return CompletableFuture.allOf(
                                  deletes.toArray(new CompletableFuture<?>[0]));
                            }))
            .thenApply(
                done -> {
                  keyspace.watches().touchAll();
                  return Reply.OK;
                }));
  }
}
