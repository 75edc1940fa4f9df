package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.ALLOW_BUSY;
import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.LOADING;
import static dev.stateless.edge.internal.CommandFlag.NOSCRIPT;
import static dev.stateless.edge.internal.CommandFlag.NO_AUTH;
import static dev.stateless.edge.internal.CommandFlag.STALE;

import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The connection commands, with redis-server 7's semantics and replies: {@code PING}, {@code ECHO},
 * {@code HELLO}, {@code AUTH}, {@code CLIENT ...}, {@code SELECT}, {@code QUIT}, {@code RESET}.
 */
public final class ConnectionCommands implements CommandSet {
  private static final Reply PONG = Reply.simple("PONG");
  private static final Reply PONG_BULK = Reply.bulk("pong");
  private static final Reply RESET = Reply.simple("RESET");
  private static final Reply PING_ARITY =
      Reply.error("ERR wrong number of arguments for 'ping' command");
  private static final String DEFAULT_USER = "default";

  private final NodeContext node;

  /**
   * @param node the node whose connections these commands act on
   */
  public ConnectionCommands(NodeContext node) {
    this.node = node;
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table
        .add(
            CommandSpec.builder("ping", -1)
                .flags(FAST)
                .acl("@fast", "@connection")
                .doc("connection", "1.0.0", "Returns the server's liveliness response.")
                .command(this::ping))
        .add(
            CommandSpec.builder("echo", 2)
                .flags(LOADING, STALE, FAST)
                .acl("@fast", "@connection")
                .doc("connection", "1.0.0", "Returns the given string.")
                .command((client, request) -> Reply.bulk(request.arg(1))))
        .add(
            CommandSpec.builder("hello", -1)
                .flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                .acl("@fast", "@connection")
                .doc("connection", "6.0.0", "Handshakes with the Redis server.")
                .command(this::hello))
        .add(
            CommandSpec.builder("auth", -2)
                .flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                .acl("@fast", "@connection")
                .doc("connection", "1.0.0", "Authenticates the connection.")
                .command(this::auth))
        .add(
            CommandSpec.builder("select", 2)
                .flags(LOADING, STALE, FAST)
                .acl("@fast", "@connection")
                .doc("connection", "1.0.0", "Changes the selected database.")
                .command(ConnectionCommands::select))
        .add(
            CommandSpec.builder("quit", -1)
                .flags(ALLOW_BUSY, NOSCRIPT, LOADING, STALE, FAST, NO_AUTH)
                .acl("@fast", "@connection")
                .doc("connection", "1.0.0", "Closes the connection.")
                .command(
                    (client, request) -> {
                      client.closeAfterReply();
                      return Reply.OK;
                    }))
        .add(
            CommandSpec.builder("reset", 1)
                .flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                .acl("@fast", "@connection")
                .doc("connection", "6.2.0", "Resets the connection.")
                .command(
                    (client, request) -> {
                      client.reset();
                      node.pubSub().unsubscribeAll(client);
                      node.tracking().off(client);
                      return RESET;
                    }))
        .add(client());
  }

  private CommandSpec.Builder client() {
    return CommandSpec.builder("client", -2)
        .doc("connection", "2.4.0", "A container for client connection commands.")
        .acl("@slow")
        .subcommand(
            CommandSpec.builder("setname", 3)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "2.6.9", "Sets the connection name.")
                .command(ConnectionCommands::setName))
        .subcommand(
            CommandSpec.builder("getname", 2)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "2.6.9", "Returns the name of the connection.")
                .command(
                    (client, request) -> {
                      String name = client.name();
                      return name == null ? Reply.NULL_BULK : Reply.bulk(latin1(name));
                    }))
        .subcommand(
            CommandSpec.builder("id", 2)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "5.0.0", "Returns the unique client ID of the connection.")
                .command((client, request) -> Reply.integer(client.id())))
        .subcommand(
            CommandSpec.builder("info", 2)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "6.2.0", "Returns information about the connection.")
                .command(
                    (client, request) ->
                        Reply.verbatim("txt", client.describe(node.clock().millis()) + "\n")))
        .subcommand(
            CommandSpec.builder("setinfo", 4)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc(
                    "connection", "7.2.0", "Sets information specific to the client or connection.")
                .command(ConnectionCommands::setInfo))
        .subcommand(
            CommandSpec.builder("list", -2)
                .flags(CommandFlag.ADMIN, NOSCRIPT, LOADING, STALE)
                .acl("@admin", "@slow", "@dangerous", "@connection")
                .doc("connection", "2.4.0", "Lists open connections.")
                .command(this::list))
        .subcommand(
            CommandSpec.builder("kill", -3)
                .flags(CommandFlag.ADMIN, NOSCRIPT, LOADING, STALE)
                .acl("@admin", "@slow", "@dangerous", "@connection")
                .doc("connection", "2.4.0", "Terminates open connections.")
                .command(this::kill))
        .subcommand(
            CommandSpec.builder("tracking", -3)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "6.0.0", "Controls server-assisted client-side caching.")
                .command((client, request) -> node.tracking().tracking(client, request)))
        .subcommand(
            CommandSpec.builder("caching", 3)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc(
                    "connection",
                    "6.0.0",
                    "Instructs the server whether to track the next command.")
                .command(Tracking::caching))
        .subcommand(
            CommandSpec.builder("getredir", 2)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "6.0.0", "Returns the client ID to which invalidations go.")
                .command((client, request) -> Tracking.getRedirect(client)))
        .subcommand(
            CommandSpec.builder("trackinginfo", 2)
                .flags(NOSCRIPT, LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "6.2.0", "Returns information about server-assisted caching.")
                .command((client, request) -> Tracking.trackingInfo(client)))
        .subcommand(
            CommandSpec.builder("help", 2)
                .flags(LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("connection", "5.0.0", "Returns helpful text about the different subcommands.")
                .command(
                    (client, request) ->
                        help(
                            "CLIENT",
                            "GETNAME",
                            "    Return the name of the current connection.",
                            "ID",
                            "    Return the ID of the current connection.",
                            "INFO",
                            "    Return information about the current client connection.",
                            "KILL <ip:port>",
                            "    Kill connection made from <ip:port>.",
                            "KILL <option> <value> [<option> <value> [...]]",
                            "    Kill connections. Options are: ID <client-id>, ADDR <ip:port>,",
                            "    LADDR <ip:port>, TYPE normal, USER default, SKIPME (YES|NO).",
                            "LIST [options ...]",
                            "    Return information about client connections. Options:",
                            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                            "    * ID <client-id> [<client-id> ...]",
                            "SETINFO <option> <value>",
                            "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
                            "SETNAME <name>",
                            "    Assign the name <name> to the current connection.",
                            "CACHING (YES|NO)",
                            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                            "GETREDIR",
                            "    Return the client ID we are redirecting to when tracking is enabled.",
                            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                            "         [OPTIN] [OPTOUT] [NOLOOP]",
                            "    Control server assisted client side caching.",
                            "TRACKINGINFO",
                            "    Report tracking status for the current connection.")));
  }

  /** A container's {@code HELP} reply: redis-server's header and footer around the lines. */
  static Reply help(String container, String... lines) {
    List<Reply> replies = new ArrayList<>();
    replies.add(
        Reply.simple(container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for (String line : lines) {
      replies.add(Reply.simple(line));
    }
    replies.add(Reply.simple("HELP"));
    replies.add(Reply.simple("    Print this help."));
    return Reply.array(replies);
  }

  private Reply ping(Client client, Request request) {
    if (request.argc() > 2) {
      return PING_ARITY;
    }
    if (client.subscriptions() > 0 && client.protocol() == 2) {
      // a subscribed RESP2 connection reads only arrays: redis-server answers with one
      return Reply.array(
          List.of(
              PONG_BULK,
              request.argc() == 1 ? Reply.bulk(new byte[0]) : Reply.bulk(request.arg(1))));
    }
    return request.argc() == 1 ? PONG : Reply.bulk(request.arg(1));
  }

  private Reply hello(Client client, Request request) {
    long version = 0;
    int next = 1;
    if (request.argc() >= 2) {
      version = RedisNumbers.parseLong(request.arg(next++));
      if (version == RedisNumbers.INVALID) {
        return ErrorReplies.PROTOCOL_VERSION_NOT_INTEGER;
      }
      if (version < 2 || version > 3) {
        return ErrorReplies.NOPROTO;
      }
    }
    byte @Nullable [] user = null;
    byte @Nullable [] password = null;
    @Nullable String name = null;
    for (int j = next; j < request.argc(); j++) {
      int more = request.argc() - 1 - j;
      String option = request.string(j);
      if (option.equalsIgnoreCase("AUTH") && more >= 2) {
        user = request.arg(j + 1);
        password = request.arg(j + 2);
        j += 2;
      } else if (option.equalsIgnoreCase("SETNAME") && more >= 1) {
        name = request.string(j + 1);
        j++;
      } else {
        return ErrorReplies.helloSyntax(option);
      }
    }
    if (user != null && password != null) {
      String as = authenticate(user, password);
      if (as == null) {
        return ErrorReplies.WRONGPASS;
      }
      client.authenticatedAs(as);
    }
    if (client.authRequired()) {
      return ErrorReplies.HELLO_NOAUTH;
    }
    if (name != null) {
      if (!validAttribute(name)) {
        return ErrorReplies.BAD_CLIENT_NAME;
      }
      client.name(name.isEmpty() ? null : name);
    }
    if (version != 0) {
      client.protocol((int) version);
    }
    return Reply.map(
        List.of(
            Reply.bulk("server"),
            Reply.bulk("redis"),
            Reply.bulk("version"),
            Reply.bulk(NodeContext.REDIS_VERSION),
            Reply.bulk("proto"),
            Reply.integer(client.protocol()),
            Reply.bulk("id"),
            Reply.integer(client.id()),
            Reply.bulk("mode"),
            Reply.bulk("standalone"),
            Reply.bulk("role"),
            Reply.bulk("master"),
            Reply.bulk("modules"),
            Reply.array(List.of())));
  }

  private Reply auth(Client client, Request request) {
    if (request.argc() > 3) {
      return ErrorReplies.SYNTAX;
    }
    byte[] user;
    byte[] password;
    if (request.argc() == 2) {
      if (!node.config().passwordRequired()) {
        return ErrorReplies.AUTH_WITHOUT_PASSWORD;
      }
      user = DEFAULT_USER.getBytes(StandardCharsets.US_ASCII);
      password = request.arg(1);
    } else {
      user = request.arg(1);
      password = request.arg(2);
    }
    String as = authenticate(user, password);
    if (as == null) {
      return ErrorReplies.WRONGPASS;
    }
    client.authenticatedAs(as);
    return Reply.OK;
  }

  /**
   * The user a pair authenticates ({@link Users#authenticate}): the default user with the
   * configured password (any password when none is configured), or a component user; else null.
   */
  private @Nullable String authenticate(byte[] user, byte[] password) {
    return node.users().authenticate(user, password, node.config().requirepass());
  }

  private static Reply select(Client client, Request request) {
    long db = RedisNumbers.parseLong(request.arg(1));
    if (db == RedisNumbers.INVALID || db < Integer.MIN_VALUE || db > Integer.MAX_VALUE) {
      return ErrorReplies.NOT_INTEGER;
    }
    return db == 0 ? Reply.OK : ErrorReplies.DB_OUT_OF_RANGE;
  }

  private static Reply setName(Client client, Request request) {
    String name = request.string(2);
    if (!validAttribute(name)) {
      return ErrorReplies.BAD_CLIENT_NAME;
    }
    client.name(name.isEmpty() ? null : name);
    return Reply.OK;
  }

  private static Reply setInfo(Client client, Request request) {
    String attribute = request.string(2);
    String value = request.string(3);
    boolean libName = attribute.equalsIgnoreCase("lib-name");
    if (!libName && !attribute.equalsIgnoreCase("lib-ver")) {
      return ErrorReplies.unrecognizedOption(attribute);
    }
    if (!validAttribute(value)) {
      return ErrorReplies.badClientInfo(attribute);
    }
    if (libName) {
      client.libName(value);
    } else {
      client.libVersion(value);
    }
    return Reply.OK;
  }

  private Reply list(Client client, Request request) {
    List<Client> clients = node.clients().all();
    if (request.argc() == 4 && request.string(2).equalsIgnoreCase("type")) {
      String type = request.lower(3);
      switch (type) {
        case "normal", "pubsub" -> {
          // redis-server's type: pubsub is a RESP2 connection subscribed to something
          boolean pubsub = type.equals("pubsub");
          clients =
              clients.stream()
                  .filter(c -> (c.subscriptions() > 0 && c.protocol() == 2) == pubsub)
                  .toList();
        }
        case "master", "replica", "slave" -> clients = List.of(); // this node has no replication
        default -> {
          return ErrorReplies.unknownClientType(request.string(3));
        }
      }
    } else if (request.argc() > 3 && request.string(2).equalsIgnoreCase("id")) {
      Set<Long> ids = new HashSet<>();
      for (int j = 3; j < request.argc(); j++) {
        long id = RedisNumbers.parseLong(request.arg(j));
        if (id == RedisNumbers.INVALID) {
          return Reply.error("ERR Invalid client ID");
        }
        ids.add(id);
      }
      List<Client> chosen = new ArrayList<>();
      for (Client c : clients) {
        if (ids.contains(c.id())) {
          chosen.add(c);
        }
      }
      clients = chosen;
    } else if (request.argc() != 2) {
      return ErrorReplies.SYNTAX;
    }
    StringBuilder text = new StringBuilder();
    long now = node.clock().millis();
    for (Client c : clients) {
      text.append(c.describe(now)).append('\n');
    }
    return Reply.verbatim("txt", text.toString());
  }

  private Reply kill(Client client, Request request) {
    long id = 0;
    @Nullable String addr = null;
    @Nullable String laddr = null;
    @Nullable String user = null;
    boolean skipMe = true;
    if (request.argc() == 3) {
      addr = request.string(2);
      skipMe = false; // the old form may kill its own connection
    } else {
      for (int i = 2; i < request.argc(); i += 2) {
        boolean more = request.argc() > i + 1;
        String option = request.string(i);
        if (!more) {
          return ErrorReplies.SYNTAX;
        }
        String value = request.string(i + 1);
        if (option.equalsIgnoreCase("id")) {
          id = RedisNumbers.parseLong(request.arg(i + 1));
          if (id < 1) {
            return ErrorReplies.CLIENT_ID_NOT_POSITIVE;
          }
        } else if (option.equalsIgnoreCase("type")) {
          String type = value.toLowerCase(java.util.Locale.ROOT);
          if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
            return ErrorReplies.unknownClientType(value);
          }
          if (!type.equals("normal")) {
            return Reply.integer(0);
          }
        } else if (option.equalsIgnoreCase("addr")) {
          addr = value;
        } else if (option.equalsIgnoreCase("laddr")) {
          laddr = value;
        } else if (option.equalsIgnoreCase("user")) {
          if (!value.equals(DEFAULT_USER) && !node.users().names().contains(value)) {
            return Reply.error("ERR No such user '" + value + "'");
          }
          user = value;
        } else if (option.equalsIgnoreCase("skipme")) {
          if (value.equalsIgnoreCase("yes")) {
            skipMe = true;
          } else if (value.equalsIgnoreCase("no")) {
            skipMe = false;
          } else {
            return ErrorReplies.SYNTAX;
          }
        } else {
          return ErrorReplies.SYNTAX;
        }
      }
    }
    int killed = 0;
    for (Client c : node.clients().all()) {
      if ((id != 0 && c.id() != id)
          || (addr != null && !addr.equals(c.address()))
          || (laddr != null && !laddr.equals(c.localAddress()))
          || (user != null && !user.equals(c.user()))
          || (c == client && skipMe)) {
        continue;
      }
      killed++;
      if (c == client) {
        client.closeAfterReply();
      } else {
        ChannelFuture unused = c.channel().close();
      }
    }
    if (request.argc() == 3) {
      return killed == 0 ? ErrorReplies.NO_SUCH_CLIENT : Reply.OK;
    }
    return Reply.integer(killed);
  }

  /** redis-server's {@code validateClientAttr}: printable ASCII, no spaces. */
  private static boolean validAttribute(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '!' || c > '~') {
        return false;
      }
    }
    return true;
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
