package dev.stateless.testing;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A JUnit 5 extension that runs a real Redis Cluster on loopback: six {@code redis-server}
 * processes in cluster mode, three masters serving the 16384 hash slots in three ranges and one
 * replica of each.
 *
 * <p>Intended use, one cluster per test class:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisClusterExtension cluster = new RedisClusterExtension();
 * }</pre>
 *
 * <p>Registered on a {@code static} field, the cluster starts before the first test of the class
 * and is stopped (its temporary directories deleted) after the last one; before each test, a node
 * an earlier test left killed ({@link #crashMaster}) is started again (see {@link #restart}), so
 * every test sees six running nodes, though not always with their first roles: ask {@link
 * #masters()} rather than remember ports. Registered on an instance field, a cluster is started
 * before and stopped after every test. Outside JUnit call {@link #start()} and {@link #close()}.
 *
 * <p>Each node is run by a {@link RedisServerExtension}, so the binary is chosen as there (system
 * property {@value RedisServerExtension#BINARY_PROPERTY}, then the {@code PATH}, then the {@code
 * embedded-redis} jar's 6.2 binary), ports are never fixed (a port is retried if a racing process
 * takes it, and its cluster bus port, 10000 above, must be free as well), processes are signalled
 * by their PID and killed by a JVM shutdown hook if a run is aborted. A node runs with {@code
 * --cluster-enabled yes --cluster-config-file <dir>/nodes-<port>.conf --cluster-node-timeout 2000
 * --repl-diskless-sync-delay 0 --bind 127.0.0.1 --save "" --appendonly no}, in a temporary
 * directory of its own.
 *
 * <p>This class forms and changes the cluster itself, with commands sent over RESP, so that it
 * needs no {@code redis-cli} (the embedded binary comes without one): {@code CLUSTER
 * SET-CONFIG-EPOCH}, {@code ADDSLOTS}, {@code MEET} and {@code REPLICATE} as {@code redis-cli
 * --cluster create} sends them; {@code CLUSTER SETSLOT ... IMPORTING/MIGRATING}, {@code
 * GETKEYSINSLOT} with {@code MIGRATE ... KEYS} and {@code SETSLOT ... NODE} as {@code redis-cli
 * --cluster reshard} does.
 *
 * <p>Every method that changes the cluster returns only once it has settled: every running node
 * reports {@code cluster_state:ok}, sees every running node as connected and not failing, and all
 * agree on which master serves each slot and which node replicates which, with every replica's link
 * to its master up. It waits at most 30 seconds, then throws an {@link IllegalStateException}
 * saying what was not settled, with each node's {@code CLUSTER NODES} and the tail of its log.
 *
 * <p>Thread safety: the methods that start, stop or change the cluster are synchronized; {@link
 * #command} opens a connection per call, so concurrent commands (and clients) are fine while the
 * cluster changes. One test class uses an instance at a time.
 */
public final class RedisClusterExtension extends ScopedExtension {

  /** The number of hash slots of every Redis Cluster. */
  public static final int SLOTS = 16_384;

  /**
   * {@code --cluster-node-timeout}: a killed master is failed over about three seconds later (the
   * timeout, then the replica's election delay of half a second or more). Lower values fail over
   * faster but risk a false failover on a loaded two-core machine: at 1,000 ms a machine at load 10
   * failed a live master over in the middle of a test.
   */
  static final int NODE_TIMEOUT_MILLIS = 2_000;

  private static final int MASTERS = 3;
  private static final int NODES = 2 * MASTERS;
  private static final long SETTLE_TIMEOUT_MILLIS = 30_000;
  private static final long POLL_MILLIS = 50;
  private static final int MIGRATE_BATCH = 100;
  private static final String MIGRATE_TIMEOUT_MILLIS = "5000";

  /** Flags of a node that is not a settled member of the cluster, in a {@code CLUSTER NODES}. */
  private static final Set<String> UNHEALTHY = Set.of("fail", "fail?", "handshake", "noaddr");

  private final Path binary;
  private final RedisServerExtension.BinarySource binarySource;

  /**
   * The nodes by port, in the order they were started (the first three began as masters); empty
   * while not started. Replaced, never changed, so commands need no lock while the cluster changes.
   */
  private volatile Map<Integer, RedisServerExtension> nodes = Map.of();

  /** Node ids by port; a node keeps its id across a restart (its nodes.conf is kept). */
  private volatile Map<Integer, String> ids = Map.of();

  /** A cluster whose nodes run the binary chosen as the class documentation says. */
  public RedisClusterExtension() {
    this(null, null);
  }

  /** A cluster whose nodes run the given binary (used by this harness's own tests). */
  RedisClusterExtension(Path binary, RedisServerExtension.BinarySource source) {
    this.binary = binary;
    this.binarySource = source;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the cluster and returns once it has settled with three masters and three replicas. If it
   * runs already, starts again any node that is not running (as {@link #restart} does), so a node
   * killed by a test is back for the next one. Does nothing if all six run.
   *
   * @throws IllegalStateException if a node cannot be started (the message ends with the tail of
   *     its output) or the cluster does not settle within 30 seconds; a cluster that fails to form
   *     is stopped again
   */
  @Override
  public synchronized void start() {
    if (nodes.isEmpty()) {
      form();
      return;
    }
    List<Integer> stopped = new ArrayList<>();
    for (Map.Entry<Integer, RedisServerExtension> node : nodes.entrySet()) {
      if (!node.getValue().isRunning()) {
        node.getValue().start();
        stopped.add(node.getKey());
      }
    }
    if (!stopped.isEmpty()) {
      awaitSettled("restart of " + stopped);
    }
  }

  /**
   * Stops every node ({@code SIGTERM} to its PID, {@code SIGKILL} five seconds later) and deletes
   * their temporary directories. A later {@link #start()} forms a new cluster on new ports. Does
   * nothing if the cluster is not started.
   *
   * @throws IllegalStateException if a node outlives {@code SIGKILL}; the other nodes are stopped
   *     all the same
   */
  @Override
  public synchronized void close() {
    Collection<RedisServerExtension> all = nodes.values();
    nodes = Map.of();
    ids = Map.of();
    Closeables.closeEach(all, RedisServerExtension::close);
  }

  private void form() {
    List<RedisServerExtension> started = new ArrayList<>();
    boolean formed = false;
    try {
      Map<Integer, RedisServerExtension> byPort = new LinkedHashMap<>();
      Map<Integer, String> idByPort = new HashMap<>();
      for (int i = 0; i < NODES; i++) {
        RedisServerExtension node =
            new RedisServerExtension(binary, binarySource).asClusterNode(NODE_TIMEOUT_MILLIS);
        started.add(node);
        node.start();
        byPort.put(node.port(), node);
        idByPort.put(node.port(), node.command("CLUSTER", "MYID"));
      }
      nodes = Collections.unmodifiableMap(byPort);
      ids = Map.copyOf(idByPort);
      join();
      awaitSettled("cluster start");
      formed = true;
    } finally {
      if (!formed) {
        nodes = Map.of();
        ids = Map.of();
        Closeables.closeEach(started, RedisServerExtension::close);
      }
    }
  }

  /** Joins the fresh nodes as three masters, each with a replica, as redis-cli would. */
  private void join() {
    List<Integer> ports = ports();
    for (int i = 0; i < NODES; i++) {
      // Distinct epochs up front spare the cluster resolving collisions (fresh nodes only).
      expectOk(ports.get(i), "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
    }
    for (int m = 0; m < MASTERS; m++) {
      // One slot per argument: ADDSLOTSRANGE is 7.0 only.
      List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int slot = m * SLOTS / MASTERS; slot < (m + 1) * SLOTS / MASTERS; slot++) {
        args.add(Integer.toString(slot));
      }
      expectOk(ports.get(m), args.toArray(new String[0]));
    }
    String host = nodes.get(ports.get(0)).host();
    for (int i = 1; i < NODES; i++) {
      expectOk(ports.get(0), "CLUSTER", "MEET", host, Integer.toString(ports.get(i)));
    }
    long deadline = deadline();
    for (int r = MASTERS; r < NODES; r++) {
      String masterId = ids.get(ports.get(r - MASTERS));
      // The replica learns of its master by gossip; until then it answers "Unknown node".
      String reply;
      while (!"OK".equals(reply = command(ports.get(r), "CLUSTER", "REPLICATE", masterId))) {
        if (!reply.startsWith("-ERR Unknown node") || System.nanoTime() > deadline) {
          throw failure(
              "CLUSTER REPLICATE " + masterId + " on " + ports.get(r) + " replied " + reply);
        }
        RedisServerExtension.sleep(POLL_MILLIS);
      }
    }
  }

  // ---------------------------------------------------------------- accessors

  /**
   * The cluster's seeds as one URI, every node's address: {@code
   * redis://127.0.0.1:p1,127.0.0.1:p2,...}, the form the SDK accepts for a cluster.
   *
   * @throws IllegalStateException if the cluster is not started
   */
  public String uri() {
    return ports().stream()
        .map(p -> nodes.get(p).host() + ":" + p)
        .collect(Collectors.joining(",", "redis://", ""));
  }

  /**
   * The six nodes' ports, in the order they were started (the first three began as masters, the
   * others as their replicas, in the same order); kept across {@link #crashMaster} and {@link
   * #restart}.
   *
   * @throws IllegalStateException if the cluster is not started
   */
  public List<Integer> ports() {
    Map<Integer, RedisServerExtension> nodes = this.nodes;
    if (nodes.isEmpty()) {
      throw new IllegalStateException("the cluster is not started");
    }
    return List.copyOf(nodes.keySet());
  }

  /**
   * The ports of the running nodes that {@code CLUSTER NODES} (asked of one running node) lists as
   * masters, ascending. A killed master is not among them.
   *
   * @throws IllegalStateException if the cluster is not started or no node answers
   */
  public List<Integer> masters() {
    return withRole(true);
  }

  /**
   * The ports of the running nodes that {@code CLUSTER NODES} (asked of one running node) lists as
   * replicas, ascending.
   *
   * @throws IllegalStateException if the cluster is not started or no node answers
   */
  public List<Integer> replicas() {
    return withRole(false);
  }

  private List<Integer> withRole(boolean master) {
    View view = view();
    List<Integer> ports = new ArrayList<>();
    for (Map.Entry<Integer, String> node : runningIds().entrySet()) {
      Member member = view.members.get(node.getValue());
      if (member != null && member.isMaster() == master) {
        ports.add(node.getKey());
      }
    }
    ports.sort(null);
    return ports;
  }

  /**
   * The ports of the running replicas of the master on {@code masterPort}, per {@code CLUSTER
   * NODES}, ascending.
   *
   * @throws IllegalArgumentException if {@code masterPort} is not a node of this cluster
   * @throws IllegalStateException if the cluster is not started or no node answers
   */
  public List<Integer> replicasOf(int masterPort) {
    String master = id(masterPort);
    View view = view();
    List<Integer> ports = new ArrayList<>();
    for (Map.Entry<Integer, String> node : runningIds().entrySet()) {
      Member member = view.members.get(node.getValue());
      if (member != null && master.equals(member.masterId())) {
        ports.add(node.getKey());
      }
    }
    ports.sort(null);
    return ports;
  }

  /**
   * Stops the node on {@code port} with {@code SIGSTOP}: its connections stay open and nothing is
   * answered until {@link #resume}. Longer than the cluster's node timeout (2 s), the others mark
   * it failed.
   *
   * @throws IllegalArgumentException if {@code port} is not a node of this cluster
   * @throws IllegalStateException if that node is not running
   */
  public void pause(int port) {
    node(port).pause();
  }

  /**
   * Continues the node {@link #pause} stopped ({@code SIGCONT}).
   *
   * @throws IllegalArgumentException if {@code port} is not a node of this cluster
   */
  public void resume(int port) {
    node(port).resume();
  }

  /**
   * The port of the master serving {@code key}: its slot from {@code CLUSTER KEYSLOT} (so hash tags
   * count), its master from {@code CLUSTER NODES}.
   *
   * @throws IllegalStateException if the cluster is not started, no node answers, or no master
   *     serves the slot
   */
  public int masterOf(String key) {
    int port = runningIds().keySet().iterator().next();
    String slot = command(port, "CLUSTER", "KEYSLOT", key);
    return ownerPort(view(), Integer.parseInt(slot));
  }

  /**
   * The slots the node on {@code port} serves, ascending, per {@code CLUSTER NODES}; empty for a
   * replica.
   *
   * @throws IllegalArgumentException if {@code port} is not a node of this cluster
   * @throws IllegalStateException if no node answers
   */
  public List<Integer> slotsOf(int port) {
    String id = id(port);
    String[] owners = view().owners;
    List<Integer> slots = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      if (id.equals(owners[slot])) {
        slots.add(slot);
      }
    }
    return slots;
  }

  /**
   * The operating-system process id of the node on {@code port}.
   *
   * @throws IllegalArgumentException if {@code port} is not a node of this cluster
   * @throws IllegalStateException if that node is not running
   */
  public long pid(int port) {
    return node(port).pid();
  }

  // ---------------------------------------------------------------- commands

  /**
   * Sends one command to the node on {@code port} over a fresh connection and returns its reply as
   * text, as {@link RedisServerExtension#command(String...)} does (errors, such as a {@code -MOVED}
   * redirection, are returned with their leading minus, not thrown).
   *
   * @throws IllegalArgumentException if {@code port} is not a node of this cluster
   * @throws UncheckedIOException if the node cannot be reached
   */
  public String command(int port, String... args) {
    return node(port).command(args);
  }

  /**
   * Removes every key: {@code FLUSHALL} on every master, which their replicas then apply as well.
   *
   * @throws IllegalStateException if a master does not reply {@code OK}
   */
  public void flushAll() {
    for (int master : masters()) {
      expectOk(master, "FLUSHALL");
    }
  }

  // ---------------------------------------------------------------- faults and changes

  /**
   * Kills the master on {@code port} with {@code SIGKILL} to its PID, as a crash would, and returns
   * once its replica has been promoted in its place and the cluster has settled again (about two
   * seconds). Writes the replica had not received are lost; a write followed by {@code WAIT 1} on
   * the same connection is not. {@link #restart} brings the node back.
   *
   * @return the port of the promoted replica, which now serves the killed master's slots
   * @throws IllegalArgumentException if {@code port} is not a running master of this cluster
   * @throws IllegalStateException if the master serves no slot or has no running replica (nothing
   *     would be promoted), or no replica is promoted within 30 seconds
   */
  public synchronized int crashMaster(int port) {
    RedisServerExtension node = node(port);
    String id = id(port);
    View view = view();
    Member member = view.members.get(id);
    if (!node.isRunning() || member == null || !member.isMaster()) {
      throw new IllegalArgumentException(port + " is not a running master; masters: " + masters());
    }
    int slot = Arrays.asList(view.owners).indexOf(id);
    if (slot < 0) {
      throw new IllegalStateException(
          "master " + port + " serves no slot: no replica would fail over");
    }
    Map<Integer, String> running = runningIds();
    boolean replicated =
        view.members.values().stream()
            .anyMatch(m -> id.equals(m.masterId()) && running.containsValue(m.id()));
    if (!replicated) {
      throw new IllegalStateException("master " + port + " has no running replica to promote");
    }
    node.crash();
    awaitSettled("failover of crashed master " + port);
    return ownerPort(view(), slot);
  }

  /**
   * Starts the killed node on {@code port} again, on the same port and with its node table ({@code
   * nodes-<port>.conf}) but no data, and returns once the cluster has settled with it. A master
   * whose replica was promoted in the meantime rejoins as a replica of that node (Redis's own rule:
   * the slots have a newer owner), and takes a full copy of its data.
   *
   * @throws IllegalArgumentException if {@code port} is not a node of this cluster
   * @throws IllegalStateException if the node is running, cannot be started, or the cluster does
   *     not settle within 30 seconds
   */
  public synchronized void restart(int port) {
    RedisServerExtension node = node(port);
    if (node.isRunning()) {
      throw new IllegalStateException("node " + port + " is running (pid " + node.pid() + ")");
    }
    node.start();
    awaitSettled("restart of " + port);
  }

  /**
   * Moves {@code slot}, with its keys, to the master on {@code toPort}, while clients keep running:
   * {@code CLUSTER SETSLOT <slot> IMPORTING} on the target and {@code MIGRATING} on the current
   * owner (clients then get {@code -ASK} for keys already moved), {@code CLUSTER GETKEYSINSLOT} and
   * {@code MIGRATE ... KEYS} in batches of 100 until the owner holds none, then {@code SETSLOT
   * <slot> NODE} on the target, the old owner and the other masters (clients get {@code -MOVED}).
   * Returns once the cluster has settled with the new owner. Does nothing if the target serves the
   * slot already. Key names travel as UTF-8 text: a key whose name is not valid UTF-8 cannot be
   * moved.
   *
   * @throws IllegalArgumentException if {@code slot} is not in 0..16383, or {@code toPort} is not a
   *     running master of this cluster
   * @throws IllegalStateException if a step is refused (the message has the node's reply), or the
   *     cluster does not settle within 30 seconds
   */
  public synchronized void migrateSlot(int slot, int toPort) {
    if (slot < 0 || slot >= SLOTS) {
      throw new IllegalArgumentException("slot " + slot + " is not in 0.." + (SLOTS - 1));
    }
    String targetId = id(toPort);
    View view = view();
    Member target = view.members.get(targetId);
    if (!node(toPort).isRunning() || target == null || !target.isMaster()) {
      throw new IllegalArgumentException(
          toPort + " is not a running master; masters: " + masters());
    }
    String sourceId = view.owners[slot];
    if (targetId.equals(sourceId)) {
      return;
    }
    int fromPort = ownerPort(view, slot);
    String s = Integer.toString(slot);
    expectOk(toPort, "CLUSTER", "SETSLOT", s, "IMPORTING", sourceId);
    expectOk(fromPort, "CLUSTER", "SETSLOT", s, "MIGRATING", targetId);
    String host = nodes.get(toPort).host();
    List<String> keys;
    List<String> previous = List.of();
    long deadline = deadline();
    while (!(keys = keysIn(fromPort, s)).isEmpty()) {
      if (keys.equals(previous) || System.nanoTime() > deadline) {
        // MIGRATE skipped keys that are there: their names did not survive UTF-8.
        throw failure(
            "slot " + slot + " on " + fromPort + " keeps keys MIGRATE cannot move: " + keys);
      }
      previous = keys;
      List<String> migrate =
          new ArrayList<>(
              List.of("MIGRATE", host, Integer.toString(toPort), "", "0", MIGRATE_TIMEOUT_MILLIS));
      migrate.add("KEYS");
      migrate.addAll(keys);
      String reply = command(fromPort, migrate.toArray(new String[0]));
      if (!"OK".equals(reply) && !"NOKEY".equals(reply)) {
        throw failure("MIGRATE of slot " + slot + " from " + fromPort + " replied " + reply);
      }
    }
    // The new owner first (it takes a new config epoch), then the old one, then the rest, as
    // redis-cli does, so no master is left pointing clients at the old owner until gossip arrives.
    List<Integer> order = new ArrayList<>(List.of(toPort, fromPort));
    for (int master : masters()) {
      if (!order.contains(master)) {
        order.add(master);
      }
    }
    for (int master : order) {
      expectOk(master, "CLUSTER", "SETSLOT", s, "NODE", targetId);
    }
    awaitSettled("migration of slot " + slot + " to " + toPort);
  }

  private List<String> keysIn(int port, String slot) {
    Object reply =
        node(port).reply("CLUSTER", "GETKEYSINSLOT", slot, Integer.toString(MIGRATE_BATCH));
    if (!(reply instanceof List)) {
      throw failure("CLUSTER GETKEYSINSLOT " + slot + " on " + port + " replied " + reply);
    }
    List<String> keys = new ArrayList<>();
    for (Object key : (List<?>) reply) {
      keys.add((String) key);
    }
    return keys;
  }

  // ---------------------------------------------------------------- settling

  private static long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MILLIS);
  }

  /**
   * Polls until {@link #unsettled()} finds nothing wrong, or fails {@code what} at the deadline.
   */
  private void awaitSettled(String what) {
    long deadline = deadline();
    String reason;
    while ((reason = unsettled()) != null) {
      if (System.nanoTime() > deadline) {
        throw failure(
            what
                + ": the cluster did not settle within "
                + SETTLE_TIMEOUT_MILLIS
                + " ms: "
                + reason);
      }
      RedisServerExtension.sleep(POLL_MILLIS);
    }
  }

  /** Null once the running nodes agree on a healthy cluster, otherwise the first thing amiss. */
  private String unsettled() {
    Map<Integer, String> running = runningIds();
    View agreed = null;
    int agreedPort = 0;
    for (Map.Entry<Integer, String> node : running.entrySet()) {
      int port = node.getKey();
      try {
        RedisServerExtension probed = node(port);
        String state = infoField(probed.probe("CLUSTER", "INFO"), "cluster_state");
        if (!"ok".equals(state)) {
          return port + " says cluster_state:" + state;
        }
        View view = View.parse(probed.probe("CLUSTER", "NODES"));
        for (Map.Entry<Integer, String> other : running.entrySet()) {
          Member member = view.members.get(other.getValue());
          if (member == null) {
            return port + " does not know " + other.getKey();
          }
          if (!member.isHealthy()) {
            return port
                + " sees "
                + other.getKey()
                + " as "
                + member.flags()
                + ", "
                + member.link();
          }
        }
        for (int slot = 0; slot < SLOTS; slot++) {
          if (!running.containsValue(view.owners[slot])) {
            return port + " sees slot " + slot + " served by no running node";
          }
        }
        if (view.movingSlot != null) {
          return port + " has slot " + view.movingSlot + " importing or migrating";
        }
        if (!view.members.get(node.getValue()).isMaster()) {
          String link = infoField(probed.probe("INFO", "replication"), "master_link_status");
          if (!"up".equals(link)) {
            return "replica " + port + " has master_link_status:" + link;
          }
        }
        if (agreed == null) {
          agreed = view;
          agreedPort = port;
        } else if (!view.agreesWith(agreed, running.values())) {
          return port + " and " + agreedPort + " disagree on slots or roles";
        }
      } catch (UncheckedIOException e) {
        return port + " does not answer: " + e.getCause();
      }
    }
    return null;
  }

  private static String infoField(String info, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + ":(.*?)\\r?$").matcher(info);
    return m.find() ? m.group(1) : "(absent)";
  }

  // ---------------------------------------------------------------- helpers

  private RedisServerExtension node(int port) {
    RedisServerExtension node = nodes.get(port);
    if (node == null) {
      throw new IllegalArgumentException(
          port + " is not a node of this cluster; nodes: " + ports());
    }
    return node;
  }

  private String id(int port) {
    node(port);
    return ids.get(port);
  }

  /** The running nodes' ids by port, in start order. */
  private Map<Integer, String> runningIds() {
    Map<Integer, String> ids = this.ids;
    Map<Integer, String> running = new LinkedHashMap<>();
    for (Map.Entry<Integer, RedisServerExtension> node : nodes.entrySet()) {
      if (node.getValue().isRunning()) {
        running.put(node.getKey(), ids.get(node.getKey()));
      }
    }
    if (running.isEmpty()) {
      throw new IllegalStateException("no node of the cluster is running");
    }
    return running;
  }

  /** {@code CLUSTER NODES} of the first running node that answers. */
  private View view() {
    UncheckedIOException last = null;
    for (int port : runningIds().keySet()) {
      try {
        return View.parse(node(port).probe("CLUSTER", "NODES"));
      } catch (UncheckedIOException e) {
        last = e;
      }
    }
    throw new IllegalStateException("no node of the cluster answers CLUSTER NODES", last);
  }

  private static int ownerPort(View view, int slot) {
    Member owner = view.members.get(view.owners[slot]);
    if (owner == null) {
      throw new IllegalStateException("no master serves slot " + slot);
    }
    return owner.port();
  }

  private void expectOk(int port, String... args) {
    String reply = command(port, args);
    if (!"OK".equals(reply)) {
      throw failure(
          String.join(" ", Arrays.asList(args).subList(0, Math.min(4, args.length)))
              + " on "
              + port
              + " replied "
              + reply);
    }
  }

  /** An IllegalStateException with {@code message}, each node's view and the tail of its log. */
  private IllegalStateException failure(String message) {
    StringBuilder out = new StringBuilder(message);
    String nl = System.lineSeparator();
    for (Map.Entry<Integer, RedisServerExtension> entry : nodes.entrySet()) {
      RedisServerExtension node = entry.getValue();
      out.append(nl).append(nl).append("node ").append(entry.getKey());
      if (node.isRunning()) {
        out.append(" (pid ").append(node.pid()).append("), CLUSTER NODES:").append(nl);
        try {
          out.append(node.probe("CLUSTER", "NODES").strip());
        } catch (UncheckedIOException e) {
          out.append("(no answer: ").append(e.getCause()).append(')');
        }
      } else {
        out.append(" (not running)");
      }
      out.append(nl).append(node.logTail());
    }
    return new IllegalStateException(out.toString());
  }

  // ---------------------------------------------------------------- CLUSTER NODES

  /** One line of {@code CLUSTER NODES}: {@code masterId} is {@code "-"} for a master. */
  private record Member(String id, int port, Set<String> flags, String masterId, String link) {
    boolean isMaster() {
      return flags.contains("master");
    }

    boolean isHealthy() {
      return "connected".equals(link) && flags.stream().noneMatch(UNHEALTHY::contains);
    }
  }

  /** One node's {@code CLUSTER NODES}: who is who, and who serves each slot. */
  private static final class View {
    final Map<String, Member> members = new HashMap<>();

    /** The id of the master serving each slot; null where none does. */
    final String[] owners = new String[SLOTS];

    /** A slot this node is importing or migrating, or null. */
    String movingSlot;

    /**
     * Parses lines of {@code <id> <ip:port@busport[,hostname]> <flags> <master> <ping-sent>
     * <pong-recv> <epoch> <link> <slot>...}, a slot being {@code n}, {@code n-m}, or {@code
     * [n->-id]} / {@code [n-<-id]} while it moves.
     */
    static View parse(String reply) {
      View view = new View();
      for (String line : reply.split("\n")) {
        String[] f = line.strip().split(" ");
        if (f.length < 8) {
          continue;
        }
        String address = f[1];
        int at = address.indexOf('@');
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':', at) + 1, at));
        Member member = new Member(f[0], port, Set.of(f[2].split(",")), f[3], f[7]);
        view.members.put(member.id(), member);
        for (int i = 8; i < f.length; i++) {
          if (f[i].startsWith("[")) {
            view.movingSlot = f[i];
            continue;
          }
          int dash = f[i].indexOf('-');
          int first = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash));
          int last = dash < 0 ? first : Integer.parseInt(f[i].substring(dash + 1));
          Arrays.fill(view.owners, first, last + 1, member.id());
        }
      }
      return view;
    }

    /** Same owner for every slot, and the same role for each of {@code ids}. */
    boolean agreesWith(View other, Collection<String> ids) {
      if (!Arrays.equals(owners, other.owners)) {
        return false;
      }
      for (String id : ids) {
        Member mine = members.get(id);
        Member theirs = other.members.get(id);
        if (mine == null
            || theirs == null
            || mine.isMaster() != theirs.isMaster()
            || !Objects.equals(mine.masterId(), theirs.masterId())) {
          return false;
        }
      }
      return true;
    }
  }
}
