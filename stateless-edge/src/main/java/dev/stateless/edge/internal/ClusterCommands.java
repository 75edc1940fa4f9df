package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.LOADING;
import static dev.stateless.edge.internal.CommandFlag.STALE;

import io.lettuce.core.cluster.SlotHash;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code CLUSTER} as a cluster of one: this node holds every hash slot, so a cluster-mode client
 * (Lettuce's {@code RedisClusterClient}, {@code redis-cli -c}, {@code redis-benchmark --cluster})
 * connects and sends every key here, as it would to Dragonfly in emulated cluster mode. The node's
 * address in the topology is the one the asking client reached it at. Slots are never moved, so the
 * commands that manage a real cluster (ADDSLOTS, MEET, FAILOVER, ...) are not served.
 */
final class ClusterCommands implements CommandSet {
  private static final int LAST_SLOT = SlotHash.SLOT_COUNT - 1;

  private final NodeContext node;

  ClusterCommands(NodeContext node) {
    this.node = node;
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table
        .add(
            CommandSpec.builder("cluster", -2)
                .acl("@slow")
                .doc("cluster", "3.0.0", "A container for Redis Cluster commands.")
                .subcommand(
                    sub("info", 2, "Returns information about the state of a node.")
                        .command((client, request) -> Reply.verbatim("txt", info())))
                .subcommand(
                    sub("myid", 2, "Returns the ID of a node.")
                        .command((client, request) -> Reply.bulk(node.runId())))
                .subcommand(
                    sub("nodes", 2, "Returns the cluster configuration for a node.")
                        .command((client, request) -> Reply.verbatim("txt", nodes(client))))
                .subcommand(
                    sub("slots", 2, "Returns the mapping of cluster slots to nodes.")
                        .command((client, request) -> slots(client)))
                .subcommand(
                    sub("shards", 2, "Returns the mapping of cluster slots to shards.")
                        .command((client, request) -> shards(client)))
                .subcommand(
                    sub("keyslot", 3, "Returns the hash slot for a key.")
                        .command(
                            (client, request) -> Reply.integer(SlotHash.getSlot(request.arg(2)))))
                .subcommand(
                    sub("help", 2, "Returns helpful text about the different subcommands.")
                        .command(
                            (client, request) ->
                                ConnectionCommands.help(
                                    "CLUSTER",
                                    "INFO",
                                    "    Return information about the cluster.",
                                    "KEYSLOT <key>",
                                    "    Return the hash slot for <key>.",
                                    "MYID",
                                    "    Return the node id.",
                                    "NODES",
                                    "    Return cluster configuration seen by node. Output format:",
                                    "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch>"
                                        + " <link> <slot> ...",
                                    "SLOTS",
                                    "    Return information about slots range mappings. Each range"
                                        + " is made of:",
                                    "    start, end, master and replicas IP addresses, ports and"
                                        + " ids",
                                    "SHARDS",
                                    "    Return information about slot range mappings and the nodes"
                                        + " associated with them."))))
        .add(
            CommandSpec.builder("readonly", 1)
                .flags(FAST, LOADING, STALE)
                .acl("@fast", "@connection")
                .doc("cluster", "3.0.0", "Enables read-only queries for a connection.")
                .command((client, request) -> Reply.OK))
        .add(
            CommandSpec.builder("readwrite", 1)
                .flags(FAST, LOADING, STALE)
                .acl("@fast", "@connection")
                .doc("cluster", "3.0.0", "Enables read-write queries for a connection.")
                .command((client, request) -> Reply.OK))
        .add(
            CommandSpec.builder("asking", 1)
                .flags(FAST)
                .acl("@fast", "@connection")
                .doc(
                    "cluster", "3.0.0", "Signals that a cluster client is following a redirection.")
                .command((client, request) -> Reply.OK));
  }

  private static CommandSpec.Builder sub(String name, int arity, String summary) {
    return CommandSpec.builder(name, arity)
        .flags(LOADING, STALE)
        .acl("@slow")
        .doc("cluster", "3.0.0", summary);
  }

  private static String info() {
    List<String> lines =
        List.of(
            "cluster_state:ok",
            "cluster_slots_assigned:16384",
            "cluster_slots_ok:16384",
            "cluster_slots_pfail:0",
            "cluster_slots_fail:0",
            "cluster_known_nodes:1",
            "cluster_size:1",
            "cluster_current_epoch:1",
            "cluster_my_epoch:1",
            "cluster_stats_messages_sent:0",
            "cluster_stats_messages_received:0",
            "total_cluster_links_buffer_limit_exceeded:0");
    return String.join("\r\n", lines) + "\r\n";
  }

  /** The node as the client reached it: the connection's local address. */
  private static InetSocketAddress reached(Client client) {
    Channel channel = client.channel();
    if (channel.localAddress() instanceof InetSocketAddress inet) {
      return inet;
    }
    throw new IllegalStateException("not a TCP connection: " + channel.localAddress());
  }

  private static String ip(InetSocketAddress address) {
    return address.getAddress() == null
        ? address.getHostString()
        : address.getAddress().getHostAddress();
  }

  private String nodes(Client client) {
    InetSocketAddress at = reached(client);
    // The bus port is Redis's convention (port + 10000); this node has no cluster bus.
    return node.runId()
        + " "
        + ip(at)
        + ":"
        + at.getPort()
        + "@"
        + (at.getPort() + 10000)
        + " myself,master - 0 0 1 connected 0-"
        + LAST_SLOT
        + "\n";
  }

  private Reply slots(Client client) {
    InetSocketAddress at = reached(client);
    Reply master =
        Reply.array(
            List.of(
                Reply.bulk(ip(at)),
                Reply.integer(at.getPort()),
                Reply.bulk(node.runId()),
                Reply.map(List.of())));
    return Reply.array(
        List.of(Reply.array(List.of(Reply.integer(0), Reply.integer(LAST_SLOT), master))));
  }

  private Reply shards(Client client) {
    InetSocketAddress at = reached(client);
    Reply self =
        Reply.map(
            List.of(
                Reply.bulk("id"),
                Reply.bulk(node.runId()),
                Reply.bulk("port"),
                Reply.integer(at.getPort()),
                Reply.bulk("ip"),
                Reply.bulk(ip(at)),
                Reply.bulk("endpoint"),
                Reply.bulk(ip(at)),
                Reply.bulk("role"),
                Reply.bulk("master"),
                Reply.bulk("replication-offset"),
                Reply.integer(0),
                Reply.bulk("health"),
                Reply.bulk("online")));
    Reply shard =
        Reply.map(
            List.of(
                Reply.bulk("slots"),
                Reply.array(List.of(Reply.integer(0), Reply.integer(LAST_SLOT))),
                Reply.bulk("nodes"),
                Reply.array(List.of(self))));
    return Reply.array(List.of(shard));
  }
}
