package dev.stateless.edge.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code INFO}'s text: the sections redis-server 7 has that mean something for this node, with its
 * field names. {@code keyspace} is empty until the node holds data.
 */
final class InfoSections {
  private static final List<String> DEFAULT =
      List.of(
          "server",
          "clients",
          "memory",
          "persistence",
          "stats",
          "replication",
          "cluster",
          "keyspace");

  private final NodeContext node;
  private final Map<String, Consumer<StringBuilder>> sections = new LinkedHashMap<>();

  InfoSections(NodeContext node) {
    this.node = node;
    sections.put("server", this::server);
    sections.put("clients", this::clients);
    sections.put("memory", this::memory);
    sections.put("persistence", InfoSections::persistence);
    sections.put("stats", this::stats);
    sections.put("replication", this::replication);
    sections.put("cluster", out -> out.append("# Cluster\r\ncluster_enabled:0\r\n"));
    sections.put("keyspace", out -> out.append("# Keyspace\r\n"));
  }

  /**
   * The text for {@code names} (lower case): none, {@code default}, {@code all} or {@code
   * everything} give every section; unknown names give nothing, as in redis-server.
   */
  String render(List<String> names) {
    boolean all =
        names.isEmpty()
            || names.contains("default")
            || names.contains("all")
            || names.contains("everything");
    StringBuilder out = new StringBuilder();
    for (String name : DEFAULT) {
      Consumer<StringBuilder> section = sections.get(name);
      if (section != null && (all || names.contains(name))) {
        if (out.length() > 0) {
          out.append("\r\n");
        }
        section.accept(out);
      }
    }
    return out.toString();
  }

  private static void field(StringBuilder out, String name, Object value) {
    out.append(name).append(':').append(value).append("\r\n");
  }

  private void server(StringBuilder out) {
    long now = node.clock().millis();
    long uptime = (now - node.startedMillis()) / 1000;
    out.append("# Server\r\n");
    field(out, "redis_version", NodeContext.REDIS_VERSION);
    field(out, "redis_git_sha1", "00000000");
    field(out, "redis_git_dirty", 0);
    field(out, "redis_build_id", "0");
    field(out, "redis_mode", "standalone");
    field(
        out,
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    field(out, "arch_bits", System.getProperty("sun.arch.data.model", "64"));
    field(out, "multiplexing_api", node.transport());
    field(out, "process_id", ProcessHandle.current().pid());
    field(out, "run_id", node.runId());
    field(out, "tcp_port", node.port());
    field(out, "server_time_usec", now * 1000);
    field(out, "uptime_in_seconds", uptime);
    field(out, "uptime_in_days", uptime / 86_400);
    field(out, "hz", 10);
    field(out, "configured_hz", 10);
    field(out, "executable", ProcessHandle.current().info().command().orElse(""));
    field(out, "config_file", "");
    field(out, "io_threads_active", 0);
    field(out, "stateless_version", NodeContext.statelessVersion());
    field(out, "java_version", System.getProperty("java.version"));
  }

  private void clients(StringBuilder out) {
    out.append("# Clients\r\n");
    field(out, "connected_clients", node.clients().connected());
    field(out, "cluster_connections", 0);
    field(out, "maxclients", node.clients().maxClients());
    field(out, "blocked_clients", 0);
    field(out, "tracking_clients", 0);
    field(out, "clients_in_timeout_table", 0);
  }

  private void memory(StringBuilder out) {
    Runtime runtime = Runtime.getRuntime();
    out.append("# Memory\r\n");
    field(out, "used_memory", runtime.totalMemory() - runtime.freeMemory());
    field(out, "used_memory_rss", runtime.totalMemory());
    field(out, "maxmemory", 0);
    field(out, "maxmemory_policy", "noeviction");
    field(out, "mem_allocator", "jvm");
    field(out, "jvm_heap_max", runtime.maxMemory());
  }

  private static void persistence(StringBuilder out) {
    out.append("# Persistence\r\n");
    field(out, "loading", 0);
    field(out, "async_loading", 0);
    field(out, "rdb_bgsave_in_progress", 0);
    field(out, "aof_enabled", 0);
    field(out, "aof_rewrite_in_progress", 0);
  }

  private void stats(StringBuilder out) {
    NodeStats s = node.stats();
    out.append("# Stats\r\n");
    field(out, "total_connections_received", s.connectionsReceived.sum());
    field(out, "total_commands_processed", s.commandsProcessed.sum());
    field(out, "total_net_input_bytes", s.netInputBytes.sum());
    field(out, "total_net_output_bytes", s.netOutputBytes.sum());
    field(out, "rejected_connections", s.rejectedConnections.sum());
    field(out, "expired_keys", 0);
    field(out, "evicted_keys", 0);
    field(out, "keyspace_hits", 0);
    field(out, "keyspace_misses", 0);
    field(out, "pubsub_channels", 0);
    field(out, "pubsub_patterns", 0);
    field(out, "total_error_replies", s.errorReplies.sum());
    field(out, "client_query_buffer_limit_disconnections", s.queryBufferLimitDisconnections.sum());
    field(
        out, "client_output_buffer_limit_disconnections", s.outputBufferLimitDisconnections.sum());
    field(out, "stateless_protocol_errors", s.protocolErrors.sum());
  }

  private void replication(StringBuilder out) {
    out.append("# Replication\r\n");
    field(out, "role", "master");
    field(out, "connected_slaves", 0);
    field(out, "master_failover_state", "no-failover");
    field(out, "master_replid", node.runId());
    field(out, "master_repl_offset", 0);
  }
}
