package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.LOADING;
import static dev.stateless.edge.internal.CommandFlag.NOSCRIPT;
import static dev.stateless.edge.internal.CommandFlag.NO_MULTI;
import static dev.stateless.edge.internal.CommandFlag.STALE;

import dev.stateless.StatelessCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * {@code MULTI}, {@code EXEC}, {@code DISCARD}, {@code WATCH}, {@code UNWATCH}, as Redis runs them
 * as far as the node's cache allows.
 *
 * <p>After {@code MULTI} each command is queued ({@code +QUEUED}); one refused while queueing
 * (unknown, wrong arity, not allowed inside a transaction, outside the user's rights) makes {@code
 * EXEC} abort ({@code -EXECABORT}). {@code EXEC} holds every key of the transaction and every
 * watched key in the node's order of writes ({@link KeyLocks}), so no write of them through the
 * node comes in between; fails ({@code *-1}) if a watched key was written through the node since
 * {@code WATCH}, or holds another value now (a write from elsewhere, an expiry); reads the keys;
 * runs the data commands in order on that copy ({@link TransactionKeys}: reads see the writes
 * before them, errors are replies in the array, as in Redis); then applies all the writes in one
 * {@code atomicBatch}, all or nothing. The other queued commands (connection commands) run after,
 * on the connection's event loop, each reply in its place.
 */
final class TransactionCommands implements CommandSet {
  private static final Reply QUEUED = Reply.simple("QUEUED");
  private static final Reply EXECABORT =
      Reply.error("EXECABORT Transaction discarded because of previous errors.");
  private static final Reply NOT_IN_MULTI =
      Reply.error("ERR Command not allowed inside a transaction");

  /** Run at once after {@code MULTI}, not queued (Redis's {@code processCommand}). */
  private static final Set<String> AT_ONCE =
      Set.of("exec", "discard", "multi", "watch", "quit", "reset");

  private final Keyspace keyspace;

  TransactionCommands(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  static boolean runsAtOnce(CommandSpec spec) {
    return AT_ONCE.contains(spec.fullName());
  }

  /** Queues a command after {@code MULTI}, or refuses it (then {@code EXEC} aborts). */
  static Reply queue(Client client, CommandSpec spec, Request request) {
    MultiState multi = client.multi();
    if (spec.flags().contains(NO_MULTI)) {
      multi.abort();
      return NOT_IN_MULTI;
    }
    TransactionalCommand t = spec.transactional();
    if (t != null) {
      try {
        t.keys(client, request);
      } catch (ReplyException e) {
        multi.abort();
        return e.reply();
      }
    }
    multi.queue(spec, request);
    return QUEUED;
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table.add(
        spec("multi", 1, "Starts a transaction.", NO_MULTI)
            .command(
                (c, r) -> {
                  if (c.multi().open()) {
                    return Reply.error("ERR MULTI calls can not be nested");
                  }
                  c.multi().begin();
                  return Reply.OK;
                }));
    table.add(spec("exec", 1, "Runs the queued commands.", NO_MULTI).command(this::exec));
    table.add(
        spec("discard", 1, "Discards the queued commands.", NO_MULTI)
            .command(
                (c, r) -> {
                  if (!c.multi().open()) {
                    return Reply.error("ERR DISCARD without MULTI");
                  }
                  c.multi().end();
                  return Reply.OK;
                }));
    table.add(spec("watch", -2, "Watches keys for EXEC.", NO_MULTI).command(this::watch));
    table.add(
        spec("unwatch", 1, "Forgets the watched keys.", NO_MULTI)
            .command(
                (c, r) -> {
                  c.multi().unwatchAll();
                  return Reply.OK;
                }));
  }

  private static CommandSpec.Builder spec(
      String name, int arity, String summary, CommandFlag... flags) {
    CommandSpec.Builder b =
        CommandSpec.builder(name, arity)
            .flags(NOSCRIPT, LOADING, STALE, FAST)
            .acl("@fast", "@transaction")
            .doc(
                "transactions",
                name.equals("unwatch") || name.equals("watch") ? "2.2.0" : "1.2.0",
                summary);
    return b.flags(flags);
  }

  private Reply watch(Client c, Request r) {
    MultiState multi = c.multi();
    if (multi.open()) {
      return Reply.error("ERR WATCH inside MULTI is not allowed");
    }
    StatelessCache view = keyspace.view(c);
    List<String> keys = new ArrayList<>();
    for (int i = 1; i < r.argc(); i++) {
      keys.add(KeyCommands.key(r, i));
    }
    if (multi.firstWatch()) {
      // the connection's close forgets its watches
      c.channel()
          .closeFuture()
          .addListener(f -> c.channel().eventLoop().execute(multi::unwatchAll));
    }
    // Between two writes of the keys, never during one: a write in flight now counts as before.
    return Reply.later(
        keyspace
            .locks()
            .hold(keys, () -> readAll(view, keys))
            .thenApplyAsync(
                values -> {
                  if (!c.channel().isActive()) {
                    return Reply.OK; // closed meanwhile: its close forgot its watches already
                  }
                  for (int i = 0; i < keys.size(); i++) {
                    multi.watch(keyspace.watches(), keys.get(i), values.get(i));
                  }
                  return Reply.OK;
                },
                c.channel().eventLoop()));
  }

  private static CompletableFuture<List<byte @Nullable []>> readAll(
      StatelessCache view, List<String> keys) {
    List<CompletableFuture<byte @Nullable []>> reads = new ArrayList<>();
    keys.forEach(k -> reads.add(Keyspace.read(view, k)));
    return CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0]))
        .thenApply(x -> reads.stream().map(CompletableFuture::join).toList());
  }

  private Reply exec(Client c, Request r) {
    MultiState multi = c.multi();
    if (!multi.open()) {
      return Reply.error("ERR EXEC without MULTI");
    }
    if (multi.aborted()) {
      multi.end();
      return EXECABORT;
    }
    List<MultiState.Queued> queued = List.copyOf(multi.queued());
    multi.close();
    // What may refuse (the keys' checks, the user's rights) comes before the watches are taken:
    // a refused EXEC leaves them registered, to be forgotten as any others are.
    Set<String> dataKeys = new LinkedHashSet<>();
    boolean data = false;
    for (MultiState.Queued q : queued) {
      TransactionalCommand t = q.spec().transactional();
      if (t != null) {
        dataKeys.addAll(t.keys(c, q.request()));
        data = true;
      }
    }
    StatelessCache view = data || multi.watching() ? keyspace.view(c) : null;
    Map<String, byte[]> watched = multi.takeWatched();
    Set<String> keys = new LinkedHashSet<>(watched.keySet());
    keys.addAll(dataKeys);
    if (keys.isEmpty()) {
      return Reply.later(runRest(c, queued, List.of()));
    }
    List<String> all = List.copyOf(keys);
    return Reply.later(
        keyspace
            .locks()
            .hold(
                all,
                () -> {
                  boolean dirty = !watched.isEmpty() && multi.dirty();
                  watched.keySet().forEach(k -> keyspace.watches().unwatch(k, multi));
                  multi.clean();
                  if (dirty) {
                    return CompletableFuture.completedFuture(null);
                  }
                  return runData(c, java.util.Objects.requireNonNull(view), queued, watched, all);
                })
            .thenComposeAsync(
                dataReplies ->
                    dataReplies == null
                        ? CompletableFuture.completedFuture(Reply.NULL_ARRAY)
                        : runRest(c, queued, dataReplies),
                c.channel().eventLoop()));
  }

  /**
   * Reads the keys, checks the watched ones, runs the data commands on them and applies their
   * writes: their replies, or null when a watched key holds another value.
   */
  private CompletableFuture<@Nullable List<Reply>> runData(
      Client c,
      StatelessCache view,
      List<MultiState.Queued> queued,
      Map<String, byte[]> watched,
      List<String> keys) {
    long now = keyspace.clock().millis();
    List<CompletableFuture<byte @Nullable []>> values = new ArrayList<>();
    List<CompletableFuture<Long>> ttls = new ArrayList<>();
    for (String k : keys) {
      values.add(Keyspace.read(view, k));
      ttls.add(view.ttlMillis(k));
    }
    List<CompletableFuture<?>> reads = new ArrayList<>(values);
    reads.addAll(ttls);
    return CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0]))
        .thenCompose(
            x -> {
              TransactionKeys tx = new TransactionKeys(now);
              for (int i = 0; i < keys.size(); i++) {
                byte[] value = values.get(i).join();
                String key = keys.get(i);
                byte[] seen = watched.get(key);
                if (seen != null
                    && !(seen == MultiState.ABSENT ? value == null : Arrays.equals(seen, value))) {
                  return CompletableFuture.completedFuture(null); // changed from elsewhere
                }
                tx.load(key, value, ttls.get(i).join());
              }
              List<Reply> replies = new ArrayList<>();
              ClientTracking tracking = c.tracking();
              for (MultiState.Queued q : queued) {
                TransactionalCommand t = q.spec().transactional();
                if (t != null) {
                  // A read inside EXEC is tracked as one outside it (as Redis 7.4 does).
                  boolean read = q.spec().flags().contains(CommandFlag.READONLY);
                  if (read && tracking != null) {
                    tracking.before(c, q.spec(), q.request());
                  }
                  Reply reply = t.apply(q.request(), tx);
                  if (read && tracking != null) {
                    tracking.after(q.spec(), reply);
                  }
                  replies.add(reply);
                }
              }
              Set<String> written = tx.written();
              if (written.isEmpty()) {
                return CompletableFuture.completedFuture(replies);
              }
              return view.atomicBatch(tx::recordInto)
                  .whenComplete((v, t) -> written.forEach(keyspace.watches()::touch))
                  .thenApply(v -> replies);
            });
  }

  /** Runs the queued commands that are not data commands, on the event loop; the whole reply. */
  private static CompletableFuture<Reply> runRest(
      Client c, List<MultiState.Queued> queued, List<Reply> dataReplies) {
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    int next = 0;
    for (MultiState.Queued q : queued) {
      Reply reply;
      if (q.spec().transactional() != null) {
        reply = dataReplies.get(next++);
      } else {
        Command command = java.util.Objects.requireNonNull(q.spec().command());
        try {
          reply = command.execute(c, q.request());
        } catch (ReplyException e) {
          reply = e.reply();
        }
      }
      replies.add(
          reply instanceof Reply.Deferred d
              ? d.reply().exceptionally(DataErrors::of)
              : CompletableFuture.completedFuture(reply));
    }
    return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0]))
        .thenApply(x -> Reply.array(replies.stream().map(CompletableFuture::join).toList()));
  }
}
