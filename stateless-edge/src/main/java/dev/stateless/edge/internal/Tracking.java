package dev.stateless.edge.internal;

import dev.stateless.core.KeyPattern;
import dev.stateless.core.Literals;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.KeyChangeListener;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Client-side caching, as redis-server 6+ serves it ({@code tracking.c}): {@code CLIENT TRACKING},
 * {@code CLIENT CACHING}, {@code CLIENT GETREDIR}, {@code CLIENT TRACKINGINFO}, and the
 * invalidations.
 *
 * <p>Default mode: the keys each tracking connection reads are remembered in one table (at most
 * {@link #maxKeys} keys, as {@code tracking-table-max-keys}: past it the oldest key is forgotten
 * and invalidated to its readers), and a change of a key sends one invalidation to each of its
 * readers, then forgets it. BCAST mode: every change of a key under one of the connection's
 * prefixes. The changes come from the node's cache ({@link KeyChangeListener}: any write on this
 * node, an expiry, an invalidation from upstream); a pattern it cannot map to the keys remembered,
 * or lost events, send a null invalidation ("flush everything").
 *
 * <p>An invalidation is a RESP3 push {@code >2 invalidate [keys]}; with {@code REDIRECT} it goes to
 * the other connection: a push in RESP3, a {@code message} on {@code __redis__:invalidate} in RESP2
 * when that connection is subscribed; a redirect to a connection gone sends {@code
 * tracking-redir-broken} to a RESP3 tracking connection. Thread-safe: the table is guarded by this
 * object's lock; pushes are sent outside it.
 */
public final class Tracking implements KeyChangeListener {
  /** redis-server's default {@code tracking-table-max-keys}. */
  public static final int DEFAULT_MAX_KEYS = 1_000_000;

  private static final Reply INVALIDATE = Reply.bulk("invalidate");
  private static final Reply MESSAGE = Reply.bulk("message");
  private static final Reply INVALIDATE_CHANNEL = Reply.bulk(PubSub.INVALIDATE_CHANNEL);
  private static final Reply REDIR_BROKEN = Reply.bulk("tracking-redir-broken");

  /** Read-only commands with a key in every argument; the others read their first argument. */
  private static final Set<String> EVERY_ARGUMENT_A_KEY =
      Set.of("mget", "exists", "touch", "del", "unlink");

  /** Data commands that name no key. */
  private static final Set<String> KEYLESS =
      Set.of("keys", "dbsize", "scan", "randomkey", "flushdb", "flushall");

  private final Clients clients;
  private volatile int maxKeys = DEFAULT_MAX_KEYS;

  /** Connections with tracking on: while 0, a key change costs one read of this counter. */
  private final AtomicInteger tracking = new AtomicInteger();

  /** Connections whose close turns their tracking off. */
  private final Set<Client> watched = ConcurrentHashMap.newKeySet();

  /** Default mode: each key read, to the ids of the connections that read it, oldest first. */
  private final LinkedHashMap<String, Set<Long>> table = new LinkedHashMap<>();

  /** BCAST: each prefix (bytes as Latin-1) to the connections listening to it. */
  private final Map<String, Set<Client>> prefixes = new HashMap<>();

  /**
   * @param clients the node's connections, for redirects
   */
  public Tracking(Clients clients) {
    this.clients = clients;
  }

  /**
   * Sets {@code tracking-table-max-keys}: the most keys remembered in default mode (0: no limit).
   *
   * @throws IllegalArgumentException if negative
   */
  public void maxKeys(int keys) {
    if (keys < 0) {
      throw new IllegalArgumentException("tracking-table-max-keys must not be negative: " + keys);
    }
    this.maxKeys = keys;
  }

  /** The number of keys remembered now. */
  synchronized int trackedKeys() {
    return table.size();
  }

  // ---------------------------------------------------------------- commands

  /**
   * {@code CLIENT TRACKING on|off [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]}.
   */
  Reply tracking(Client client, Request request) {
    long redirect = 0;
    boolean bcast = false;
    boolean optin = false;
    boolean optout = false;
    boolean noloop = false;
    List<String> newPrefixes = new ArrayList<>();
    for (int j = 3; j < request.argc(); j++) {
      boolean more = request.argc() - 1 - j > 0;
      String option = request.lower(j);
      if (option.equals("redirect") && more) {
        j++;
        if (redirect != 0) {
          return ErrorReplies.TRACKING_ONE_REDIRECT;
        }
        redirect = RedisNumbers.parseLong(request.arg(j));
        if (redirect == RedisNumbers.INVALID) {
          return ErrorReplies.NOT_INTEGER;
        }
        if (clients.byId(redirect) == null) {
          return ErrorReplies.TRACKING_NO_SUCH_REDIRECT;
        }
      } else if (option.equals("bcast")) {
        bcast = true;
      } else if (option.equals("optin")) {
        optin = true;
      } else if (option.equals("optout")) {
        optout = true;
      } else if (option.equals("noloop")) {
        noloop = true;
      } else if (option.equals("prefix") && more) {
        newPrefixes.add(request.string(++j));
      } else {
        return ErrorReplies.SYNTAX;
      }
    }
    String onOff = request.lower(2);
    if (onOff.equals("off")) {
      off(client);
      return Reply.OK;
    }
    if (!onOff.equals("on")) {
      return ErrorReplies.SYNTAX;
    }
    ClientTracking current = client.tracking();
    if (!bcast && !newPrefixes.isEmpty()) {
      return ErrorReplies.TRACKING_PREFIX_WITHOUT_BCAST;
    }
    if (current != null && current.bcast != bcast) {
      return ErrorReplies.TRACKING_BCAST_SWITCH;
    }
    if (bcast && (optin || optout)) {
      return ErrorReplies.TRACKING_OPT_WITH_BCAST;
    }
    if (optin && optout) {
      return ErrorReplies.TRACKING_OPTIN_AND_OPTOUT;
    }
    if (current != null && ((optin && current.optout) || (optout && current.optin))) {
      return ErrorReplies.TRACKING_OPT_SWITCH;
    }
    List<String> all = new ArrayList<>(current == null ? List.of() : current.prefixes);
    if (bcast) {
      Reply collision = prefixCollision(all, newPrefixes);
      if (collision != null) {
        return collision;
      }
      if (newPrefixes.isEmpty() && all.isEmpty()) {
        newPrefixes.add(""); // BCAST without a prefix: every key
      }
      all.addAll(newPrefixes);
    }
    ClientTracking on = new ClientTracking(this, redirect, bcast, optin, optout, noloop, all);
    synchronized (this) {
      for (String prefix : newPrefixes) {
        prefixes.computeIfAbsent(prefix, p -> new LinkedHashSet<>()).add(client);
      }
      client.tracking(on);
    }
    if (current == null) {
      tracking.incrementAndGet();
      if (watched.add(client)) {
        ChannelFuture unused =
            client
                .channel()
                .closeFuture()
                .addListener(
                    f -> {
                      off(client);
                      watched.remove(client);
                    });
      }
    }
    return Reply.OK;
  }

  /** redis-server's {@code checkPrefixCollisionsOrReply}: one client's prefixes never overlap. */
  private static @Nullable Reply prefixCollision(List<String> existing, List<String> added) {
    for (int i = 0; i < added.size(); i++) {
      String prefix = added.get(i);
      for (String other : existing) {
        if (overlap(prefix, other)) {
          return ErrorReplies.prefixOverlap(prefix, other, true);
        }
      }
      for (int j = i + 1; j < added.size(); j++) {
        if (overlap(prefix, added.get(j))) {
          return ErrorReplies.prefixOverlap(prefix, added.get(j), false);
        }
      }
    }
    return null;
  }

  private static boolean overlap(String a, String b) {
    return a.startsWith(b) || b.startsWith(a);
  }

  /** Turns tracking off ({@code CLIENT TRACKING off}, {@code RESET}, a closed connection). */
  void off(Client client) {
    ClientTracking t;
    synchronized (this) {
      t = client.tracking();
      if (t == null) {
        return;
      }
      client.tracking(null);
      for (String prefix : t.prefixes) {
        Set<Client> listening = prefixes.get(prefix);
        if (listening != null && listening.remove(client) && listening.isEmpty()) {
          prefixes.remove(prefix);
        }
      }
    }
    tracking.decrementAndGet();
  }

  /** {@code CLIENT CACHING yes|no}. */
  static Reply caching(Client client, Request request) {
    ClientTracking t = client.tracking();
    if (t == null) {
      return ErrorReplies.CACHING_NOT_TRACKING;
    }
    String answer = request.lower(2);
    if (answer.equals("yes")) {
      if (!t.optin) {
        return ErrorReplies.CACHING_YES_WITHOUT_OPTIN;
      }
    } else if (answer.equals("no")) {
      if (!t.optout) {
        return ErrorReplies.CACHING_NO_WITHOUT_OPTOUT;
      }
    } else {
      return ErrorReplies.SYNTAX;
    }
    t.caching = true;
    return Reply.OK;
  }

  /** {@code CLIENT GETREDIR}: the redirect, 0 for none, -1 when tracking is off. */
  static Reply getRedirect(Client client) {
    ClientTracking t = client.tracking();
    return Reply.integer(t == null ? -1 : t.redirect);
  }

  /** {@code CLIENT TRACKINGINFO}: flags, redirect, prefixes. */
  static Reply trackingInfo(Client client) {
    ClientTracking t = client.tracking();
    List<Reply> flags = new ArrayList<>();
    List<Reply> prefixes = new ArrayList<>();
    if (t == null) {
      flags.add(Reply.bulk("off"));
    } else {
      flags.add(Reply.bulk("on"));
      if (t.bcast) {
        flags.add(Reply.bulk("bcast"));
      }
      if (t.optin) {
        flags.add(Reply.bulk("optin"));
        if (t.caching) {
          flags.add(Reply.bulk("caching-yes"));
        }
      }
      if (t.optout) {
        flags.add(Reply.bulk("optout"));
        if (t.caching) {
          flags.add(Reply.bulk("caching-no"));
        }
      }
      if (t.noloop) {
        flags.add(Reply.bulk("noloop"));
      }
      if (t.brokenRedirect) {
        flags.add(Reply.bulk("broken_redirect"));
      }
      for (String prefix : t.prefixes) {
        prefixes.add(Reply.bulk(prefix.getBytes(StandardCharsets.ISO_8859_1)));
      }
    }
    return Reply.map(
        List.of(
            Reply.bulk("flags"),
            Reply.set(flags),
            Reply.bulk("redirect"),
            Reply.integer(t == null ? -1 : t.redirect),
            Reply.bulk("prefixes"),
            Reply.array(prefixes)));
  }

  // ---------------------------------------------------------------- around each command

  /**
   * Before a command of a tracking connection runs: remembers the keys a read-only command reads
   * (before the read, so a write that lands during it is not missed), and, under NOLOOP, the keys a
   * write command changes.
   */
  void beforeCommand(ClientTracking t, Client client, CommandSpec spec, Request request) {
    if (spec.flags().contains(CommandFlag.READONLY) && t.tracksReads()) {
      remember(client, keys(spec, request));
    } else if (t.noloop && spec.flags().contains(CommandFlag.WRITE)) {
      t.writing(Set.copyOf(keys(spec, request)));
    }
  }

  /**
   * After a command of a tracking connection ran (its reply maybe still to come): the {@code CLIENT
   * CACHING} answer is used up, the NOLOOP keys are let go once the reply is there.
   */
  static void afterCommand(ClientTracking t, CommandSpec spec, Reply reply) {
    if (!spec.fullName().equals("client|caching")) {
      t.caching = false;
    }
    if (!t.noloop || !spec.flags().contains(CommandFlag.WRITE)) {
      return;
    }
    // the keys given to writing() by beforeCommand: none other was set meanwhile (one at a time)
    Set<String> keys = t.writingNow();
    if (keys == null) {
      return;
    }
    if (reply instanceof Reply.Deferred deferred) {
      CompletableFuture<?> unused = deferred.reply().whenComplete((r, e) -> t.written(keys));
    } else {
      t.written(keys);
    }
  }

  /** The keys of a data command (redis-server's key positions for the commands served). */
  static List<String> keys(CommandSpec spec, Request request) {
    String name = spec.fullName();
    if (KEYLESS.contains(name) || request.argc() < 2) {
      return List.of();
    }
    int step = name.equals("mset") || name.equals("msetnx") ? 2 : 1;
    int last = EVERY_ARGUMENT_A_KEY.contains(name) || step == 2 ? request.argc() - 1 : 1;
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= last; i += step) {
      byte[] key = request.arg(i);
      if (Literals.isUtf8(key)) { // else the command refuses the key: nothing is read
        keys.add(new String(key, StandardCharsets.UTF_8));
      }
    }
    return keys;
  }

  private void remember(Client client, List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    Map<String, Set<Long>> evicted = new LinkedHashMap<>();
    synchronized (this) {
      for (String key : keys) {
        table.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(client.id());
      }
      int max = maxKeys;
      if (max > 0) {
        Iterator<Map.Entry<String, Set<Long>>> oldest = table.entrySet().iterator();
        while (table.size() > max && oldest.hasNext()) {
          Map.Entry<String, Set<Long>> e = oldest.next();
          evicted.put(e.getKey(), e.getValue());
          oldest.remove();
        }
      }
    }
    // Forgotten keys are invalidated, as redis-server does: their readers could not be told later.
    evicted.forEach((key, ids) -> invalidateReaders(key, ids, false));
  }

  // ---------------------------------------------------------------- changes

  @Override
  public void keyChanged(String key) {
    if (tracking.get() == 0) {
      return;
    }
    Set<Long> readers;
    List<Client> listening = new ArrayList<>();
    synchronized (this) {
      readers = table.remove(key);
      if (!prefixes.isEmpty()) {
        String bytes = latin1Utf8(key);
        for (Map.Entry<String, Set<Client>> p : prefixes.entrySet()) {
          if (bytes.startsWith(p.getKey())) {
            listening.addAll(p.getValue());
          }
        }
      }
    }
    if (readers != null) {
      invalidateReaders(key, readers, true);
    }
    for (Client c : listening) {
      ClientTracking t = c.tracking();
      if (t != null && t.bcast && !t.ownWrite(key)) {
        send(c, t, List.of(key));
      }
    }
  }

  @Override
  public void patternChanged(String pattern) {
    if (tracking.get() == 0) {
      return;
    }
    KeyPattern p;
    try {
      p = KeyPattern.parse(pattern);
    } catch (StatelessException e) {
      everythingChanged();
      return;
    }
    Map<String, Set<Long>> matched = new LinkedHashMap<>();
    Set<Client> listening = new LinkedHashSet<>();
    String literal = latin1Utf8(p.literalPrefix());
    synchronized (this) {
      for (Iterator<Map.Entry<String, Set<Long>>> it = table.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<String, Set<Long>> e = it.next();
        if (p.matches(e.getKey())) {
          matched.put(e.getKey(), e.getValue());
          it.remove();
        }
      }
      for (Map.Entry<String, Set<Client>> e : prefixes.entrySet()) {
        if (overlap(e.getKey(), literal)) {
          listening.addAll(e.getValue()); // which of its keys changed is not known: flush
        }
      }
    }
    matched.forEach((key, ids) -> invalidateReaders(key, ids, false));
    for (Client c : listening) {
      ClientTracking t = c.tracking();
      if (t != null && t.bcast) {
        send(c, t, null);
      }
    }
  }

  @Override
  public void everythingChanged() {
    if (tracking.get() == 0) {
      return;
    }
    synchronized (this) {
      table.clear();
    }
    for (Client c : clients.all()) {
      ClientTracking t = c.tracking();
      if (t != null) {
        send(c, t, null);
      }
    }
  }

  /** Sends {@code key}'s invalidation to the default-mode connections that read it. */
  private void invalidateReaders(String key, Set<Long> ids, boolean mayBeOwnWrite) {
    for (long id : ids) {
      Client c = clients.byId(id);
      if (c == null) {
        continue;
      }
      ClientTracking t = c.tracking();
      if (t == null || t.bcast || (mayBeOwnWrite && t.ownWrite(key))) {
        continue;
      }
      send(c, t, List.of(key));
    }
  }

  /**
   * redis-server's {@code sendTrackingMessage}: an invalidation of {@code keys} (null: every key)
   * for connection {@code c}, to it or to its redirect.
   */
  private void send(Client c, ClientTracking t, @Nullable List<String> keys) {
    Reply payload;
    long bytes = Pushes.FRAME_BYTES;
    if (keys == null) {
      payload = Reply.NULL_BULK;
    } else {
      List<Reply> bulks = new ArrayList<>(keys.size());
      for (String key : keys) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        bytes += b.length + 16;
        bulks.add(Reply.bulk(b));
      }
      payload = Reply.array(bulks);
    }
    Client target = c;
    if (t.redirect != 0) {
      Client redirect = clients.byId(t.redirect);
      if (redirect == null) {
        t.brokenRedirect = true;
        if (c.protocol() >= 3) {
          Pushes.send(
              c,
              null,
              Reply.push(List.of(REDIR_BROKEN, Reply.integer(t.redirect))),
              Pushes.FRAME_BYTES);
        }
        return;
      }
      target = redirect;
    }
    if (target.protocol() >= 3) {
      Pushes.send(target, null, Reply.push(List.of(INVALIDATE, payload)), bytes);
    } else if (target != c && target.subscriptions() > 0) {
      Pushes.send(
          target, null, Reply.push(List.of(MESSAGE, INVALIDATE_CHANNEL, payload)), bytes + 32);
    }
    // else a RESP2 connection without a redirect: RESP2 has no way to tell it
  }

  /** A key's UTF-8 bytes as a Latin-1 string, to compare with prefixes byte by byte. */
  private static String latin1Utf8(String key) {
    return new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
