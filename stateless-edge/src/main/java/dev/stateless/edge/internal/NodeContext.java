package dev.stateless.edge.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * What every connection of one node shares: its settings, connections, counters, commands and
 * clock. Thread-safe.
 */
public final class NodeContext {

  /** The Redis version whose commands and replies the node follows, as it tells clients. */
  public static final String REDIS_VERSION = "7.2.0";

  private final EdgeConfig config;
  private final Users users;
  private final Clients clients;
  private final NodeStats stats = new NodeStats();
  private final PubSub pubSub = new PubSub();
  private final Tracking tracking;
  private final NodeClock clock;
  private final long startedMillis;
  private final String runId;
  private volatile int port;
  private volatile String transport = "nio";
  private volatile CommandTable table = CommandTable.builder().build();

  /**
   * @param config the node's settings
   * @param users the component users
   * @param clock the node's time
   */
  private NodeContext(EdgeConfig config, Users users, NodeClock clock) {
    this.config = config;
    this.users = users;
    this.clients = new Clients(config.maxClients());
    this.tracking = new Tracking(clients);
    this.clock = clock;
    this.startedMillis = clock.millis();
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    this.runId = HexFormat.of().formatHex(id);
    this.port = config.port();
  }

  /**
   * A node's state with its command table: the connection and server commands, then {@code
   * commandSets}.
   */
  public static NodeContext create(
      EdgeConfig config, NodeClock clock, List<CommandSet> commandSets) {
    return create(config, Users.NONE, clock, commandSets);
  }

  /** As {@link #create(EdgeConfig, NodeClock, List)}, with component users. */
  public static NodeContext create(
      EdgeConfig config, Users users, NodeClock clock, List<CommandSet> commandSets) {
    NodeContext node = new NodeContext(config, users, clock);
    CommandTable.Builder table =
        CommandTable.builder()
            .addAll(new ConnectionCommands(node))
            .addAll(new ServerCommands(node))
            .addAll(new ClusterCommands(node))
            .addAll(node.pubSub);
    commandSets.forEach(table::addAll);
    node.table(table.build());
    return node;
  }

  /** Who may connect, besides the default user. */
  public Users users() {
    return users;
  }

  /** The settings. */
  public EdgeConfig config() {
    return config;
  }

  /** The connections. */
  public Clients clients() {
    return clients;
  }

  /** The channels and patterns subscribed. */
  public PubSub pubSub() {
    return pubSub;
  }

  /** Client-side caching: the keys tracked for connections, their invalidations. */
  public Tracking tracking() {
    return tracking;
  }

  /** The counters. */
  public NodeStats stats() {
    return stats;
  }

  /** The node's time. */
  public NodeClock clock() {
    return clock;
  }

  /** When the node started, milliseconds since the epoch. */
  public long startedMillis() {
    return startedMillis;
  }

  /** A random id for this run of the node ({@code run_id}). */
  public String runId() {
    return runId;
  }

  /** The port the node listens on (known once bound). */
  public int port() {
    return port;
  }

  void port(int port) {
    this.port = port;
  }

  /** Netty's transport ({@code multiplexing_api}). */
  public String transport() {
    return transport;
  }

  void transport(String transport) {
    this.transport = transport;
  }

  /** The commands, once the node is built. */
  public CommandTable table() {
    return table;
  }

  void table(CommandTable table) {
    this.table = table;
  }

  /** The version of stateless-edge, from its jar's manifest ({@code dev} when run from classes). */
  public static String statelessVersion() {
    String v = NodeContext.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
