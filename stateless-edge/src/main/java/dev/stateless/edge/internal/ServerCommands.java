package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.ADMIN;
import static dev.stateless.edge.internal.CommandFlag.LOADING;
import static dev.stateless.edge.internal.CommandFlag.NOSCRIPT;
import static dev.stateless.edge.internal.CommandFlag.STALE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The server commands this node answers: {@code COMMAND} (and {@code COUNT}, {@code INFO}, {@code
 * DOCS}) from the command table, {@code CONFIG GET} for what clients and redis-benchmark ask, and
 * {@code INFO}.
 */
public final class ServerCommands implements CommandSet {
  private final NodeContext node;
  private final InfoSections info;
  private final Map<String, Supplier<String>> config = new LinkedHashMap<>();

  /**
   * @param node the node these commands describe
   */
  public ServerCommands(NodeContext node) {
    this.node = node;
    this.info = new InfoSections(node);
    EdgeConfig c = node.config();
    // What clients (Lettuce, Jedis, redis-py), redis-benchmark and redis-cli ask for, with this
    // node's values: no persistence, no eviction yet, one database.
    config.put("save", () -> "");
    config.put("appendonly", () -> "no");
    config.put("appendfsync", () -> "everysec");
    config.put("maxmemory", () -> "0");
    config.put("maxmemory-policy", () -> "noeviction");
    config.put("maxclients", () -> Integer.toString(c.maxClients()));
    config.put("port", () -> Integer.toString(node.port()));
    config.put("bind", c::bind);
    config.put("databases", () -> "1");
    config.put("timeout", () -> "0");
    config.put("protected-mode", () -> "no");
    config.put("cluster-enabled", () -> "no");
    config.put("replica-read-only", () -> "yes");
    config.put("slave-read-only", () -> "yes");
    config.put("notify-keyspace-events", () -> "");
    config.put("io-threads", () -> "1");
    config.put("hz", () -> "10");
    config.put("daemonize", () -> "no");
    config.put("proto-max-bulk-len", () -> Long.toString(c.limits().maxBulkLength()));
    config.put("client-query-buffer-limit", () -> Long.toString(c.limits().queryBufferLimit()));
    config.put(
        "client-output-buffer-limit",
        () -> {
          String limit = " 0 " + c.outputBufferLimit() + " " + c.outputBufferTimeout().toSeconds();
          return "normal" + limit + " slave" + limit + " pubsub" + limit;
        });
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table
        .add(
            CommandSpec.builder("command", -1)
                .flags(LOADING, STALE)
                .acl("@slow", "@connection")
                .doc("server", "2.8.13", "Returns detailed information about all commands.")
                .command((client, request) -> allInfo())
                .subcommand(
                    CommandSpec.builder("count", 2)
                        .flags(LOADING, STALE)
                        .acl("@slow", "@connection")
                        .doc("server", "2.8.13", "Returns a count of commands.")
                        .command((client, request) -> Reply.integer(node.table().size())))
                .subcommand(
                    CommandSpec.builder("info", -2)
                        .flags(LOADING, STALE)
                        .acl("@slow", "@connection")
                        .doc(
                            "server",
                            "2.8.13",
                            "Returns information about one, multiple or all commands.")
                        .command(this::commandInfo))
                .subcommand(
                    CommandSpec.builder("docs", -2)
                        .flags(LOADING, STALE)
                        .acl("@slow", "@connection")
                        .doc(
                            "server",
                            "7.0.0",
                            "Returns documentary information about one, multiple or all commands.")
                        .command(this::commandDocs))
                .subcommand(
                    CommandSpec.builder("help", 2)
                        .flags(LOADING, STALE)
                        .acl("@slow", "@connection")
                        .doc(
                            "server",
                            "5.0.0",
                            "Returns helpful text about the different subcommands.")
                        .command(
                            (client, request) ->
                                ConnectionCommands.help(
                                    "COMMAND",
                                    "(no subcommand)",
                                    "    Return details about all commands.",
                                    "COUNT",
                                    "    Return the total number of commands in this server.",
                                    "INFO [<command-name> ...]",
                                    "    Return details about multiple commands.",
                                    "DOCS [<command-name> ...]",
                                    "    Return documentation details about multiple commands."))))
        .add(
            CommandSpec.builder("config", -2)
                .acl("@slow")
                .doc("server", "2.0.0", "A container for server configuration commands.")
                .subcommand(
                    CommandSpec.builder("get", -3)
                        .flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .acl("@admin", "@slow", "@dangerous")
                        .doc(
                            "server",
                            "2.0.0",
                            "Returns the effective values of configuration parameters.")
                        .command(this::configGet))
                .subcommand(
                    CommandSpec.builder("help", 2)
                        .flags(LOADING, STALE)
                        .acl("@slow")
                        .doc(
                            "server",
                            "5.0.0",
                            "Returns helpful text about the different subcommands.")
                        .command(
                            (client, request) ->
                                ConnectionCommands.help(
                                    "CONFIG",
                                    "GET <pattern>",
                                    "    Return parameters matching the glob-like <pattern> and their values."))))
        .add(
            CommandSpec.builder("info", -1)
                .flags(LOADING, STALE)
                .acl("@slow", "@dangerous")
                .doc("server", "1.0.0", "Returns information and statistics about the server.")
                .command(
                    (client, request) -> {
                      List<String> sections = new ArrayList<>();
                      for (int i = 1; i < request.argc(); i++) {
                        sections.add(request.lower(i));
                      }
                      return Reply.verbatim("txt", info.render(sections));
                    }));
  }

  private Reply allInfo() {
    List<Reply> all = new ArrayList<>();
    for (CommandSpec spec : node.table().commands()) {
      all.add(info(spec));
    }
    return Reply.array(all);
  }

  private Reply commandInfo(Client client, Request request) {
    if (request.argc() == 2) {
      return allInfo();
    }
    List<Reply> infos = new ArrayList<>();
    for (int i = 2; i < request.argc(); i++) {
      CommandSpec spec = lookup(request.string(i));
      infos.add(spec == null ? Reply.NULL_BULK : info(spec));
    }
    return Reply.array(infos);
  }

  /** {@code name} or {@code container|subcommand}. */
  private @Nullable CommandSpec lookup(String name) {
    int bar = name.indexOf('|');
    if (bar < 0) {
      return node.table().get(name);
    }
    CommandSpec container = node.table().get(name.substring(0, bar));
    return container == null
        ? null
        : container.subcommands().get(name.substring(bar + 1).toLowerCase(Locale.ROOT));
  }

  /** One command as {@code COMMAND INFO} shows it (redis-server 7's ten fields). */
  private static Reply info(CommandSpec spec) {
    List<Reply> flags = new ArrayList<>();
    for (CommandFlag flag : spec.flags()) {
      flags.add(Reply.simple(flag.redisName()));
    }
    List<Reply> categories = new ArrayList<>();
    for (String category : spec.aclCategories()) {
      categories.add(Reply.simple(category));
    }
    List<Reply> subcommands = new ArrayList<>();
    for (CommandSpec sub : spec.subcommands().values()) {
      subcommands.add(info(sub));
    }
    return Reply.array(
        List.of(
            Reply.bulk(spec.fullName()),
            Reply.integer(spec.arity()),
            Reply.set(flags),
            Reply.integer(0),
            Reply.integer(0),
            Reply.integer(0),
            Reply.set(categories),
            Reply.array(List.of()),
            Reply.array(List.of()),
            Reply.array(subcommands)));
  }

  private Reply commandDocs(Client client, Request request) {
    List<Reply> docs = new ArrayList<>();
    if (request.argc() == 2) {
      for (CommandSpec spec : node.table().commands()) {
        docs.add(Reply.bulk(spec.fullName()));
        docs.add(docs(spec));
      }
    } else {
      for (int i = 2; i < request.argc(); i++) {
        CommandSpec spec = lookup(request.string(i));
        if (spec != null) {
          docs.add(Reply.bulk(spec.fullName()));
          docs.add(docs(spec));
        }
      }
    }
    return Reply.map(docs);
  }

  private static Reply docs(CommandSpec spec) {
    List<Reply> fields = new ArrayList<>();
    fields.add(Reply.bulk("summary"));
    fields.add(Reply.bulk(spec.summary()));
    fields.add(Reply.bulk("since"));
    fields.add(Reply.bulk(spec.since()));
    fields.add(Reply.bulk("group"));
    fields.add(Reply.bulk(spec.group()));
    if (!spec.subcommands().isEmpty()) {
      List<Reply> subs = new ArrayList<>();
      for (CommandSpec sub : spec.subcommands().values()) {
        subs.add(Reply.bulk(sub.fullName()));
        subs.add(docs(sub));
      }
      fields.add(Reply.bulk("subcommands"));
      fields.add(Reply.map(subs));
    }
    return Reply.map(fields);
  }

  private Reply configGet(Client client, Request request) {
    List<Reply> pairs = new ArrayList<>();
    for (Map.Entry<String, Supplier<String>> parameter : config.entrySet()) {
      for (int i = 2; i < request.argc(); i++) {
        if (Glob.matches(request.string(i), parameter.getKey(), true)) {
          pairs.add(Reply.bulk(parameter.getKey()));
          pairs.add(Reply.bulk(parameter.getValue().get()));
          break;
        }
      }
    }
    return Reply.map(pairs);
  }
}
