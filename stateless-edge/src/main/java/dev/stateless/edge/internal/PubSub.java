package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.LOADING;
import static dev.stateless.edge.internal.CommandFlag.NOSCRIPT;
import static dev.stateless.edge.internal.CommandFlag.PUBSUB;
import static dev.stateless.edge.internal.CommandFlag.STALE;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pub/sub with redis-server 7's semantics and frames: {@code SUBSCRIBE}, {@code PSUBSCRIBE} (Redis
 * glob patterns, {@link Glob}), {@code UNSUBSCRIBE}, {@code PUNSUBSCRIBE}, {@code PUBLISH}, {@code
 * PUBSUB CHANNELS/NUMSUB/NUMPAT}. Channels and patterns are bytes (kept as Latin-1 strings, one
 * char per byte). Messages reach subscribers as pushes ({@link Pushes}): RESP3 push frames, RESP2
 * arrays, subject to each subscriber's output buffer limit. Thread-safe: the node-wide tables are
 * guarded by this object's lock, the messages are sent outside it.
 */
public final class PubSub implements CommandSet {
  /** The channel RESP2 connections subscribe to for the invalidations redirected to them. */
  static final String INVALIDATE_CHANNEL = "__redis__:invalidate";

  private static final Reply MESSAGE = Reply.bulk("message");
  private static final Reply PMESSAGE = Reply.bulk("pmessage");

  /** The commands a RESP2 connection may send while subscribed, as redis-server allows them. */
  private static final Set<String> ALLOWED_WHILE_SUBSCRIBED =
      Set.of(
          "ping",
          "subscribe",
          "psubscribe",
          "unsubscribe",
          "punsubscribe",
          "ssubscribe",
          "sunsubscribe",
          "quit",
          "reset");

  /** Channel to its subscribers, in the order they subscribed. */
  private final Map<String, Set<Client>> channels = new HashMap<>();

  /** Pattern to its subscribers. */
  private final Map<String, Set<Client>> patterns = new LinkedHashMap<>();

  /** Each connection that ever subscribed, with what it subscribes now (until it closes). */
  private final Map<Client, Subscriptions> byClient = new HashMap<>();

  /** One connection's channels and patterns, in the order it subscribed them. */
  private static final class Subscriptions {
    final Set<String> channels = new LinkedHashSet<>();
    final Set<String> patterns = new LinkedHashSet<>();

    int count() {
      return channels.size() + patterns.size();
    }
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table
        .add(
            CommandSpec.builder("subscribe", -2)
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE)
                .acl("@pubsub", "@slow")
                .doc("pubsub", "2.0.0", "Listens for messages published to channels.")
                .command((c, r) -> subscribe(c, r, false)))
        .add(
            CommandSpec.builder("psubscribe", -2)
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE)
                .acl("@pubsub", "@slow")
                .doc(
                    "pubsub",
                    "2.0.0",
                    "Listens for messages published to channels matching patterns.")
                .command((c, r) -> subscribe(c, r, true)))
        .add(
            CommandSpec.builder("unsubscribe", -1)
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE)
                .acl("@pubsub", "@slow")
                .doc("pubsub", "2.0.0", "Stops listening to messages posted to channels.")
                .command((c, r) -> unsubscribe(c, r, false)))
        .add(
            CommandSpec.builder("punsubscribe", -1)
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE)
                .acl("@pubsub", "@slow")
                .doc("pubsub", "2.0.0", "Stops listening to messages published to patterns.")
                .command((c, r) -> unsubscribe(c, r, true)))
        .add(
            CommandSpec.builder("publish", 3)
                .flags(PUBSUB, LOADING, STALE, FAST)
                .acl("@pubsub", "@fast")
                .doc("pubsub", "2.0.0", "Posts a message to a channel.")
                .command((c, r) -> Reply.integer(publish(c, r.arg(1), r.arg(2)))))
        .add(
            CommandSpec.builder("pubsub", -2)
                .doc("pubsub", "2.8.0", "A container for Pub/Sub commands.")
                .acl("@slow")
                .subcommand(
                    CommandSpec.builder("channels", -2)
                        .flags(PUBSUB, LOADING, STALE)
                        .acl("@pubsub", "@slow")
                        .doc("pubsub", "2.8.0", "Returns the active channels.")
                        .command(this::channels))
                .subcommand(
                    CommandSpec.builder("numsub", -2)
                        .flags(PUBSUB, LOADING, STALE)
                        .acl("@pubsub", "@slow")
                        .doc("pubsub", "2.8.0", "Returns a count of subscribers to channels.")
                        .command(this::numsub))
                .subcommand(
                    CommandSpec.builder("numpat", 2)
                        .flags(PUBSUB, LOADING, STALE)
                        .acl("@pubsub", "@slow")
                        .doc("pubsub", "2.8.0", "Returns a count of unique pattern subscriptions.")
                        .command((c, r) -> Reply.integer(numpat())))
                .subcommand(
                    CommandSpec.builder("help", 2)
                        .flags(LOADING, STALE)
                        .acl("@slow")
                        .doc("pubsub", "6.2.0", "Returns helpful text about the subcommands.")
                        .command((c, r) -> help())));
  }

  /**
   * Whether a RESP2 connection subscribed to something may run {@code spec}: only the pub/sub
   * commands, {@code PING}, {@code QUIT} and {@code RESET}, as on redis-server.
   */
  static boolean allowedWhileSubscribed(CommandSpec spec) {
    CommandSpec top = spec.parent() != null ? spec.parent() : spec;
    return ALLOWED_WHILE_SUBSCRIBED.contains(top.name());
  }

  // ---------------------------------------------------------------- subscribing

  private Reply subscribe(Client client, Request request, boolean pattern) {
    String kind = pattern ? "psubscribe" : "subscribe";
    if (!client.channel().isActive()) {
      // Closed (a SUBSCRIBE queued in an EXEC that ran after): its close already dropped its
      // subscriptions, and a new one would never be dropped. No one reads the reply.
      return Reply.OK;
    }
    List<Reply> frames = new ArrayList<>();
    synchronized (this) {
      Subscriptions mine = subscriptionsOf(client);
      for (int i = 1; i < request.argc(); i++) {
        String name = request.string(i);
        if ((pattern ? mine.patterns : mine.channels).add(name)) {
          (pattern ? patterns : channels)
              .computeIfAbsent(name, n -> new LinkedHashSet<>())
              .add(client);
        }
        frames.add(frame(kind, Reply.bulk(request.arg(i)), mine.count()));
      }
      client.subscriptions(mine.count());
    }
    return new Frames(frames);
  }

  private Reply unsubscribe(Client client, Request request, boolean pattern) {
    String kind = pattern ? "punsubscribe" : "unsubscribe";
    List<Reply> frames = new ArrayList<>();
    synchronized (this) {
      Subscriptions mine = subscriptionsOf(client);
      Set<String> names = pattern ? mine.patterns : mine.channels;
      List<String> leaving = new ArrayList<>();
      if (request.argc() == 1) {
        leaving.addAll(names);
      } else {
        for (int i = 1; i < request.argc(); i++) {
          leaving.add(request.string(i));
        }
      }
      for (String name : leaving) {
        if (names.remove(name)) {
          forget(pattern ? patterns : channels, name, client);
        }
        frames.add(frame(kind, Reply.bulk(latin1(name)), mine.count()));
      }
      if (leaving.isEmpty()) {
        frames.add(frame(kind, Reply.NULL_BULK, mine.count()));
      }
      client.subscriptions(mine.count());
    }
    return new Frames(frames);
  }

  /** Leaves every channel and pattern, without a reply ({@code RESET}, a closed connection). */
  void unsubscribeAll(Client client) {
    synchronized (this) {
      Subscriptions mine = byClient.get(client);
      if (mine == null) {
        return;
      }
      for (String name : mine.channels) {
        forget(channels, name, client);
      }
      for (String name : mine.patterns) {
        forget(patterns, name, client);
      }
      mine.channels.clear();
      mine.patterns.clear();
      client.subscriptions(0);
      if (!client.channel().isActive()) {
        byClient.remove(client);
      }
    }
  }

  /**
   * The connection's subscriptions, made on its first subscription (and dropped when it closes).
   */
  private Subscriptions subscriptionsOf(Client client) {
    Subscriptions mine = byClient.get(client);
    if (mine == null) {
      mine = new Subscriptions();
      byClient.put(client, mine);
      ChannelFuture unused =
          client.channel().closeFuture().addListener(f -> unsubscribeAll(client));
    }
    return mine;
  }

  private static void forget(Map<String, Set<Client>> table, String name, Client client) {
    Set<Client> subscribers = table.get(name);
    if (subscribers != null && subscribers.remove(client) && subscribers.isEmpty()) {
      table.remove(name);
    }
  }

  private static Reply frame(String kind, Reply name, int count) {
    return Reply.push(List.of(Reply.bulk(kind), name, Reply.integer(count)));
  }

  // ---------------------------------------------------------------- publishing

  /**
   * Sends {@code message} to the subscribers of {@code channel} and of the patterns matching it;
   * returns how many received it (a connection subscribed to the channel and to a matching pattern
   * counts twice, as on redis-server).
   *
   * @param publisher the connection that published
   */
  long publish(Client publisher, byte[] channel, byte[] message) {
    String name = new String(channel, StandardCharsets.ISO_8859_1);
    long bytes = (long) channel.length + message.length + Pushes.FRAME_BYTES;
    List<Client> direct;
    List<Map.Entry<String, Client>> matched = new ArrayList<>();
    synchronized (this) {
      Set<Client> subscribers = channels.get(name);
      direct = subscribers == null ? List.of() : List.copyOf(subscribers);
      for (Map.Entry<String, Set<Client>> p : patterns.entrySet()) {
        if (Glob.matches(p.getKey(), name, false)) {
          for (Client c : p.getValue()) {
            matched.add(Map.entry(p.getKey(), c));
          }
        }
      }
    }
    Reply body = Reply.bulk(message);
    if (!direct.isEmpty()) {
      Reply frame = Reply.push(List.of(MESSAGE, Reply.bulk(channel), body));
      for (Client c : direct) {
        Pushes.send(c, publisher, frame, bytes);
      }
    }
    for (Map.Entry<String, Client> m : matched) {
      byte[] pattern = latin1(m.getKey());
      Reply frame = Reply.push(List.of(PMESSAGE, Reply.bulk(pattern), Reply.bulk(channel), body));
      Pushes.send(m.getValue(), publisher, frame, bytes + pattern.length);
    }
    return direct.size() + (long) matched.size();
  }

  /** Whether a connection is subscribed to {@code channel} (not through a pattern). */
  synchronized boolean subscribed(Client client, String channel) {
    Subscriptions mine = byClient.get(client);
    return mine != null && mine.channels.contains(channel);
  }

  // ---------------------------------------------------------------- PUBSUB

  private Reply channels(Client client, Request request) {
    if (request.argc() > 3) {
      return ErrorReplies.subcommandSyntax(request);
    }
    String glob = request.argc() == 3 ? request.string(2) : null;
    List<Reply> names = new ArrayList<>();
    synchronized (this) {
      for (String name : channels.keySet()) {
        if (glob == null || Glob.matches(glob, name, false)) {
          names.add(Reply.bulk(latin1(name)));
        }
      }
    }
    return Reply.array(names);
  }

  private Reply numsub(Client client, Request request) {
    List<Reply> pairs = new ArrayList<>();
    synchronized (this) {
      for (int i = 2; i < request.argc(); i++) {
        Set<Client> subscribers = channels.get(request.string(i));
        pairs.add(Reply.bulk(request.arg(i)));
        pairs.add(Reply.integer(subscribers == null ? 0 : subscribers.size()));
      }
    }
    return Reply.array(pairs);
  }

  private synchronized int numpat() {
    return patterns.size();
  }

  private static Reply help() {
    List<Reply> lines = new ArrayList<>();
    for (String line :
        List.of(
            "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "HELP",
            "    Prints this help.")) {
      lines.add(Reply.simple(line));
    }
    return Reply.array(lines);
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Several frames as one reply: each (un)subscribed name has its own, as on redis-server. */
  private static final class Frames implements Reply {
    private final List<Reply> frames;

    Frames(List<Reply> frames) {
      this.frames = List.copyOf(frames);
    }

    @Override
    public void writeTo(ByteBuf out, int protocol) {
      for (Reply frame : frames) {
        frame.writeTo(out, protocol);
      }
    }
  }
}
