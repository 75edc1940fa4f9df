package dev.stateless.testing;

import dev.stateless.testing.RedisServerExtension.BinarySource;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A JUnit 5 extension that runs a Redis Sentinel deployment on loopback ports: a master, one
 * replica ({@code --replicaof}) and three sentinels ({@code redis-server <dir>/redis.conf
 * --sentinel}: the Debian package has no {@code redis-sentinel} binary) monitoring it as {@value
 * #MASTER} with a quorum of 2, declaring it down after {@value #DOWN_AFTER_MILLIS} ms, so that a
 * failover takes a second or three. Each process is a {@link RedisServerExtension}: the same binary
 * (the embedded 6.2 one too), free ports, and every signal sent by PID.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisSentinelExtension sentinel = new RedisSentinelExtension();
 * }</pre>
 *
 * <p>On a {@code static} field, one deployment serves the whole class; on an instance field, each
 * test gets a fresh one: {@link #failover()} and {@link #crashMaster()} change the deployment for
 * good (a crashed master stays down; the master a {@code SENTINEL FAILOVER} left becomes a replica
 * only about ten seconds later), so tests that use them want an instance field. Outside JUnit call
 * {@link #start()} and {@link #close()}.
 *
 * <p>The sentinels know each other and the replica from their config files ({@code known-sentinel},
 * {@code known-replica}) and start once the replica is in sync, so the deployment is ready to fail
 * over a few hundred milliseconds after its start rather than after Sentinel's discovery (seconds).
 *
 * <p>Thread safety: the lifecycle methods are synchronized; {@link #command(int, String...)} opens
 * a connection per call.
 */
public final class RedisSentinelExtension extends ScopedExtension implements RedisDeployment {

  /** The name the sentinels monitor the master under. */
  public static final String MASTER = "mymaster";

  private static final String HOST = "127.0.0.1";
  private static final int SENTINELS = 3;
  private static final int QUORUM = 2;
  private static final long DOWN_AFTER_MILLIS = 1_000;
  private static final long FAILOVER_TIMEOUT_MILLIS = 3_000;
  private static final Duration READY = Duration.ofSeconds(10);
  private static final Duration PROMOTION = Duration.ofSeconds(20);
  private static final String PROBE_KEY = "redis-sentinel-extension:probe";

  /** Arguments of every data node: no wait before a replica's initial sync (Redis 7: 5 s). */
  private static final List<String> DATA_ARGUMENTS = List.of("--repl-diskless-sync-delay", "0");

  private final Path binary;
  private final BinarySource source;

  /** The master the deployment started with, then the replica. */
  private final List<RedisServerExtension> nodes = new ArrayList<>();

  private final List<RedisServerExtension> sentinels = new ArrayList<>();

  /** A deployment of the binary {@link RedisServerExtension} picks. */
  public RedisSentinelExtension() {
    this(null, null);
  }

  /** A deployment of the given binary (the harness's own tests run the embedded one). */
  RedisSentinelExtension(Path binary, BinarySource source) {
    this.binary = binary;
    this.source = source;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the deployment if it is not running, and returns once the replica is in sync and every
   * sentinel knows the master, the replica and the two other sentinels.
   *
   * @throws IllegalStateException if a process does not start, or the deployment is not ready
   *     within 10 seconds
   */
  @Override
  public synchronized void start() {
    if (!nodes.isEmpty()) {
      return;
    }
    try {
      RedisServerExtension master = node().configure(0, null, DATA_ARGUMENTS);
      master.start();
      List<String> replicaOf = new ArrayList<>(DATA_ARGUMENTS);
      replicaOf.addAll(List.of("--replicaof", HOST, Integer.toString(master.port())));
      RedisServerExtension replica = node().configure(0, null, replicaOf);
      replica.start();
      awaitReady(
          "replica " + replica.port() + " in sync with master " + master.port(),
          () -> info(replica.port(), "replication").contains("master_link_status:up"));
      int[] ports = new int[SENTINELS];
      String[] ids = new String[SENTINELS];
      SecureRandom random = new SecureRandom();
      for (int i = 0; i < SENTINELS; i++) {
        ports[i] = RedisServerExtension.freePort();
        byte[] id = new byte[20];
        random.nextBytes(id);
        ids[i] = HexFormat.of().formatHex(id); // a sentinel's myid: 40 hex digits
      }
      for (int i = 0; i < SENTINELS; i++) {
        RedisServerExtension s = process();
        sentinels.add(s);
        s.configure(
            ports[i], sentinelConfig(i, ids, ports, master, replica), List.of("--sentinel"));
        s.start();
      }
      awaitReady(
          "every sentinel knows the master, the replica and the other sentinels", this::ready);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private RedisServerExtension node() {
    RedisServerExtension n = process();
    nodes.add(n);
    return n;
  }

  private RedisServerExtension process() {
    return binary == null ? new RedisServerExtension() : new RedisServerExtension(binary, source);
  }

  private static String sentinelConfig(
      int self,
      String[] ids,
      int[] ports,
      RedisServerExtension master,
      RedisServerExtension replica) {
    StringBuilder c = new StringBuilder();
    c.append("sentinel myid ").append(ids[self]).append('\n');
    c.append("sentinel monitor ")
        .append(MASTER)
        .append(' ')
        .append(HOST)
        .append(' ')
        .append(master.port())
        .append(' ')
        .append(QUORUM)
        .append('\n');
    c.append("sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MILLIS + "\n");
    c.append("sentinel failover-timeout " + MASTER + " " + FAILOVER_TIMEOUT_MILLIS + "\n");
    c.append("sentinel parallel-syncs " + MASTER + " 1\n");
    c.append("sentinel known-replica " + MASTER + " " + HOST + " " + replica.port() + "\n");
    for (int i = 0; i < ids.length; i++) {
      if (i != self) {
        c.append("sentinel known-sentinel " + MASTER + " " + HOST + " " + ports[i] + " " + ids[i])
            .append('\n');
      }
    }
    return c.toString();
  }

  /** Every sentinel: the master up, the other sentinels known, a replica it would promote. */
  private boolean ready() {
    for (RedisServerExtension s : sentinels) {
      Map<String, String> master = fields(command(s.port(), "SENTINEL", "MASTER", MASTER));
      if (!"master".equals(master.get("flags"))
          || !String.valueOf(SENTINELS - 1).equals(master.get("num-other-sentinels"))
          || promotable(s.port()) == 0) {
        return false;
      }
    }
    return true;
  }

  /** How many replicas a sentinel sees up, linked to their master: candidates for promotion. */
  private static int promotable(int sentinel) {
    int n = 0;
    for (Map<String, String> r : records(command(sentinel, "SENTINEL", "REPLICAS", MASTER))) {
      if ("slave".equals(r.get("flags")) && "ok".equals(r.get("master-link-status"))) {
        n++;
      }
    }
    return n;
  }

  /**
   * Stops every process by its PID (the sentinels first, so none starts a failover meanwhile) and
   * deletes their directories. A later {@link #start()} starts a fresh deployment.
   */
  @Override
  public synchronized void close() {
    List<RuntimeException> failures = new ArrayList<>();
    List<RedisServerExtension> all = new ArrayList<>(sentinels);
    all.addAll(nodes);
    for (RedisServerExtension p : all) {
      try {
        p.close(); // SIGTERM by PID, SIGKILL after 5 s; waits until the port is closed
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    sentinels.clear();
    nodes.clear();
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("cannot stop every Sentinel process");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  // ---------------------------------------------------------------- accessors

  /**
   * The deployment's URI, {@code redis-sentinel://127.0.0.1:<s1>,127.0.0.1:<s2>,127.0.0.1:<s3>#}
   * {@value #MASTER}.
   *
   * @throws IllegalStateException if it is not started
   */
  @Override
  public synchronized String uri() {
    List<String> list = new ArrayList<>();
    for (int port : sentinelPorts()) {
      list.add(HOST + ":" + port);
    }
    return "redis-sentinel://" + String.join(",", list) + "#" + MASTER;
  }

  /**
   * The sentinels' ports.
   *
   * @throws IllegalStateException if it is not started
   */
  public synchronized List<Integer> sentinelPorts() {
    requireStarted();
    List<Integer> ports = new ArrayList<>();
    for (RedisServerExtension s : sentinels) {
      ports.add(s.port());
    }
    return ports;
  }

  /**
   * The ports of the data nodes, running or not: the first master's first, then the replica's.
   *
   * @throws IllegalStateException if it is not started
   */
  public synchronized List<Integer> nodePorts() {
    requireStarted();
    return List.of(nodes.get(0).port(), nodes.get(1).port());
  }

  /**
   * The PIDs of the running processes: the data nodes' (as {@link #nodePorts()}), the sentinels'.
   */
  synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (RedisServerExtension p : nodes) {
      if (p.isRunning()) {
        pids.add(p.pid());
      }
    }
    for (RedisServerExtension p : sentinels) {
      if (p.isRunning()) {
        pids.add(p.pid());
      }
    }
    return pids;
  }

  /**
   * The port of the master as the first sentinel that answers names it.
   *
   * @throws IllegalStateException if it is not started, or no sentinel answers
   */
  public synchronized int masterPort() {
    requireStarted();
    List<String> failures = new ArrayList<>();
    for (RedisServerExtension s : sentinels) {
      try {
        return masterPortBy(s.port());
      } catch (UncheckedIOException | IllegalStateException e) {
        failures.add(s.port() + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException("no sentinel names the master: " + failures);
  }

  private static int masterPortBy(int sentinel) {
    String reply = command(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
    String[] address = reply == null ? new String[0] : reply.split("\n", -1);
    if (address.length != 2 || !address[1].matches("[0-9]+")) {
      throw new IllegalStateException("sentinel " + sentinel + " replied " + reply);
    }
    return Integer.parseInt(address[1]);
  }

  // ---------------------------------------------------------------- faults

  /**
   * Fails over on request ({@code SENTINEL FAILOVER}): the replica becomes the master while the old
   * one keeps running (Sentinel makes it a replica about ten seconds later). Returns once every
   * sentinel names the new master and it accepts writes.
   *
   * @return the new master's port
   * @throws IllegalStateException if a sentinel refuses, or the switch is not done within 20
   *     seconds
   */
  public synchronized int failover() {
    int old = masterPort();
    String reply = command(sentinels.get(0).port(), "SENTINEL", "FAILOVER", MASTER);
    if (!"OK".equals(reply)) {
      throw new IllegalStateException("SENTINEL FAILOVER " + MASTER + " replied " + reply);
    }
    return awaitNewMaster(old, "SENTINEL FAILOVER");
  }

  /**
   * Kills the master with {@code SIGKILL}, by its PID, as a crash would; returns once the sentinels
   * have agreed it is down, promoted the replica, every sentinel names that one, and it accepts
   * writes. The old master stays down.
   *
   * @return the new master's port
   * @throws IllegalStateException if the master is not one of this deployment's running nodes, or
   *     the promotion is not done within 20 seconds
   */
  public synchronized int crashMaster() {
    int old = masterPort();
    RedisServerExtension master =
        nodes.stream()
            .filter(n -> n.port() == old && n.isRunning())
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no running node on master port " + old));
    master.crash();
    return awaitNewMaster(old, "kill -9 of master " + old);
  }

  private int awaitNewMaster(int old, String after) {
    long deadline = System.nanoTime() + PROMOTION.toNanos();
    String state;
    while (true) {
      Map<String, String> named = new LinkedHashMap<>();
      Integer agreed = null;
      boolean agree = true;
      for (RedisServerExtension s : sentinels) {
        String view;
        try {
          int port = masterPortBy(s.port());
          view = Integer.toString(port);
          agree &= port != old && (agreed == null || agreed == port);
          agreed = port;
        } catch (UncheckedIOException | IllegalStateException e) {
          view = e.getMessage();
          agree = false;
        }
        named.put("sentinel " + s.port(), view);
      }
      if (agree && agreed != null && acceptsWrites(agreed)) {
        return agreed;
      }
      state = named + (agreed == null ? "" : ", role of " + agreed + ": " + role(agreed));
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "after "
                + after
                + ", no new master accepting writes within "
                + PROMOTION.toSeconds()
                + " s (old: "
                + old
                + "): "
                + state);
      }
      sleep(20);
    }
  }

  private static boolean acceptsWrites(int port) {
    try {
      if (!"OK".equals(command(port, "SET", PROBE_KEY, "1"))) {
        return false;
      }
      command(port, "DEL", PROBE_KEY);
      return true;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  private static String role(int port) {
    try {
      String r = command(port, "ROLE");
      return r == null ? "null" : r.split("\n", -1)[0];
    } catch (UncheckedIOException e) {
      return "unreachable";
    }
  }

  // ---------------------------------------------------------------- commands

  /**
   * Sends one command to the server or sentinel on {@code port} and returns its reply as text, as
   * {@link RedisServerExtension#command(String...)} does.
   *
   * @throws UncheckedIOException if nothing answers on the port
   */
  public static String command(int port, String... args) {
    return RedisServerExtension.command(port, args);
  }

  /**
   * Sends one command to the current master ({@link #masterPort()}).
   *
   * @throws UncheckedIOException if the master does not answer
   */
  @Override
  public String command(String... args) {
    return command(masterPort(), args);
  }

  private static String info(int port, String section) {
    try {
      String reply = command(port, "INFO", section);
      return reply == null ? "" : reply;
    } catch (UncheckedIOException e) {
      return "";
    }
  }

  /** The fields of a flat reply (name, value, name, value, ...). */
  private static Map<String, String> fields(String reply) {
    Map<String, String> out = new LinkedHashMap<>();
    if (reply == null || reply.startsWith("-")) {
      return out;
    }
    String[] lines = reply.split("\n", -1);
    for (int i = 0; i + 1 < lines.length; i += 2) {
      out.put(lines[i], lines[i + 1]);
    }
    return out;
  }

  /** The records of a reply of flat records (SENTINEL REPLICAS), each starting with "name". */
  private static List<Map<String, String>> records(String reply) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> all = new LinkedHashMap<>();
    if (reply == null || reply.isEmpty() || reply.startsWith("-")) {
      return out;
    }
    String[] lines = reply.split("\n", -1);
    for (int i = 0; i + 1 < lines.length; i += 2) {
      if (lines[i].equals("name") && !all.isEmpty()) {
        out.add(all);
        all = new LinkedHashMap<>();
      }
      all.put(lines[i], lines[i + 1]);
    }
    out.add(all);
    return out;
  }

  private void requireStarted() {
    if (nodes.isEmpty()) {
      throw new IllegalStateException("the Sentinel deployment is not started");
    }
  }

  private static void awaitReady(String what, BooleanSupplier condition) {
    try {
      Await.until(what, READY, () -> safely(condition));
    } catch (AssertionError e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** False while a process is not answering yet. */
  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Sentinel", e);
    }
  }
}
