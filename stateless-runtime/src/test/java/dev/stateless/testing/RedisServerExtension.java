package dev.stateless.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JUnit 5 extension that runs a real {@code redis-server} process on a free loopback port.
 *
 * <p>Intended use, one server per test class:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();
 * }</pre>
 *
 * <p>Registered on a {@code static} field, the server starts before the first test of the class and
 * is stopped (and its temporary directory deleted) after the last one. If a test leaves the server
 * stopped (see {@link #stop()}), it is started again, on the same port, before the next test.
 * Registered on an instance field instead, the server is started before and stopped after every
 * test. Outside JUnit (benchmarks, examples) call {@link #start()} and {@link #close()} directly.
 *
 * <p>Which binary runs, in order of preference: the path in the system property {@value
 * #BINARY_PROPERTY}; an executable {@code redis-server} on the {@code PATH}; the binary for this
 * platform bundled in the {@code embedded-redis} test dependency (extracted once per JVM to a
 * temporary file). {@link #binarySource()} tells which was used.
 *
 * <p>The server never uses a fixed port: each first start asks the kernel for a free loopback port
 * and retries with a fresh port if the process dies or does not answer {@code PING} in time (a
 * racing process took the port). By default it runs without persistence ({@code --save ""
 * --appendonly no}, {@link Persistence#NONE}), so {@link #stop()} followed by {@link #start()}
 * yields an empty server on the same port. A JVM shutdown hook kills any server still running, so
 * an aborted test run leaves no process behind.
 *
 * <p>Faults, for the fault-injection suite: {@link #crash()} kills the server with {@code SIGKILL}
 * (no shutdown, no save), {@link #pause()} and {@link #resume()} send it {@code SIGSTOP} and {@code
 * SIGCONT}, {@link #clients()} lists its connections ({@code CLIENT LIST}) for {@code CLIENT KILL};
 * {@link #start(Persistence)} starts it again on the same port and data directory, empty ({@link
 * Persistence#NONE}), from the last explicit {@code SAVE} ({@link Persistence#RDB}) or from its
 * append-only file ({@link Persistence#AOF}). Every signal goes to the process this extension
 * started, by its PID.
 *
 * <p>Thread safety: lifecycle methods ({@link #start()}, {@link #stop()}, {@link #close()}) are
 * synchronized and {@link #command(String...)} opens its own connection per call, so concurrent
 * commands are fine; the extension is meant to be used by one test class at a time (different
 * classes running in parallel each get their own instance, process and port).
 */
public final class RedisServerExtension extends ScopedExtension implements RedisDeployment {

  /** System property naming a {@code redis-server} binary to use instead of any other. */
  public static final String BINARY_PROPERTY = "stateless.redis.binary";

  /** What a server keeps on disk, and so what a start after {@link #crash()} finds. */
  public enum Persistence {
    /**
     * Nothing: {@code --save "" --appendonly no}, and the data directory's RDB and AOF files are
     * deleted before the start, so the server starts empty.
     */
    NONE,
    /**
     * Snapshots taken only by an explicit {@code SAVE} or {@code BGSAVE} ({@code --save ""
     * --appendonly no --dbfilename dump.rdb}); a start loads the last one, so the server comes back
     * as it was at that snapshot.
     */
    RDB,
    /**
     * Every write in the append-only file, synced before the reply ({@code --appendonly yes
     * --appendfsync always}); a start replays it, so the server comes back with every write it
     * acknowledged.
     */
    AOF
  }

  /** Where the binary that runs came from. */
  public enum BinarySource {
    /** The path given in the system property {@value RedisServerExtension#BINARY_PROPERTY}. */
    SYSTEM_PROPERTY,
    /** The first executable {@code redis-server} found on the {@code PATH}. */
    PATH,
    /** The binary bundled in the {@code embedded-redis} jar, extracted to a temporary file. */
    EMBEDDED
  }

  private static final String HOST = "127.0.0.1";
  private static final int MAX_START_ATTEMPTS = 5;
  private static final long READY_TIMEOUT_MILLIS = 10_000;
  private static final long POLL_MILLIS = 10;
  private static final long STOP_TIMEOUT_MILLIS = 5_000;
  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
  private static final int READ_TIMEOUT_MILLIS = 30_000;
  private static final int PROBE_READ_TIMEOUT_MILLIS = 1_000;
  private static final int LOG_TAIL_LINES = 40;
  private static final Pattern VERSION = Pattern.compile("v=(\\d+\\.\\d+\\.\\d+)");
  private static final Pattern PROCESS_ID = Pattern.compile("(?m)^process_id:(\\d+)\\s*$");
  private static final String RDB_FILE = "dump.rdb";

  /** A cluster node's bus listens this far above its client port (fixed in 6.2, default in 7). */
  private static final int CLUSTER_BUS_OFFSET = 10_000;

  private static final int MAX_PORT = 65_535;
  private static final int MAX_PORT_PICKS = 100;

  /** The AOF files: Redis 7 keeps a directory of them, Redis 6.2 one file. */
  private static final List<String> AOF_FILES = List.of("appendonlydir", "appendonly.aof");

  /** Servers started by any instance and not yet stopped, killed by the shutdown hook. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  /** Temporary directories not yet deleted, removed by the shutdown hook. */
  private static final Set<Path> LIVE_DIRS = ConcurrentHashMap.newKeySet();

  private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();
  private static boolean shutdownHookRegistered;
  private static Path extractedBinary;

  private final Path requestedBinary;
  private Path binary;
  private BinarySource binarySource;
  private Path dir;
  private Process process;
  private volatile int port;
  private volatile int tlsPort;

  /** The certificate, key and CA files of {@link #withTls}; null: no TLS port. */
  private List<Path> tls;

  /** The output of the running (or last) process. */
  private Path log;

  /** {@code --cluster-node-timeout} of a {@link #asClusterNode cluster node}; 0: not one. */
  private int clusterNodeTimeoutMillis;

  /** What {@link #configure} gives: a config file's text (null: none), more arguments. */
  private String config;

  private List<String> arguments = List.of();

  private int attempts;
  private Persistence persistence = Persistence.NONE;
  private boolean paused;

  /** An extension that picks the binary as described in the class documentation. */
  public RedisServerExtension() {
    this(null, null);
  }

  /** An extension that runs the given binary (used by this harness's own tests). */
  RedisServerExtension(Path binary, BinarySource source) {
    this.requestedBinary = binary;
    this.binarySource = source;
  }

  /**
   * Runs the server, from its next start on, with a config file of this text (null: none; written
   * to {@code redis.conf} in its directory at the first start, and kept after: a sentinel rewrites
   * its own) read before the harness's arguments, and {@code arguments} after them ({@code
   * --replicaof}, {@code --sentinel}); on {@code port} at its first start (0: a free one). For
   * {@link RedisSentinelExtension}, which runs its servers and sentinels with this harness.
   */
  synchronized RedisServerExtension configure(int port, String config, List<String> arguments) {
    if (this.port == 0) {
      this.port = port;
    }
    this.config = config;
    this.arguments = List.copyOf(arguments);
    return this;
  }

  // ---------------------------------------------------------------- accessors

  /**
   * The server's address, {@code redis://127.0.0.1:<port>}.
   *
   * @throws IllegalStateException if the server was never started
   */
  @Override
  public String uri() {
    return "redis://" + HOST + ":" + port();
  }

  /**
   * Makes the server listen for TLS as well, on a second free port ({@link #tlsPort()}), with the
   * given PEM files ({@code --tls-cert-file}, {@code --tls-key-file}, {@code --tls-ca-cert-file}),
   * not asking clients for certificates ({@code --tls-auth-clients no}). The plain port stays, for
   * this extension's own commands. Call before the first start.
   *
   * @return this extension
   * @throws IllegalStateException if the server was started already
   */
  public synchronized RedisServerExtension withTls(Path certificate, Path key, Path caCertificate) {
    if (port != 0) {
      throw new IllegalStateException("withTls must be called before the first start");
    }
    tls = List.of(certificate, key, caCertificate);
    return this;
  }

  /**
   * The TLS port of a server started {@link #withTls}; kept across {@link #stop()} and {@link
   * #start()}.
   *
   * @throws IllegalStateException if the server has no TLS port or was never started
   */
  public int tlsPort() {
    int p = tlsPort;
    if (p == 0) {
      throw new IllegalStateException("redis-server has no TLS port (withTls) or never started");
    }
    return p;
  }

  /** The loopback address the server binds, always {@code 127.0.0.1}. */
  public String host() {
    return HOST;
  }

  /**
   * The server's port; kept across {@link #stop()} and {@link #start()}.
   *
   * @throws IllegalStateException if the server was never started
   */
  public int port() {
    int p = port;
    if (p == 0) {
      throw new IllegalStateException("redis-server was never started");
    }
    return p;
  }

  /**
   * The operating-system process id of the running server.
   *
   * @throws IllegalStateException if the server is not running
   */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    return process.pid();
  }

  /** Whether this extension's server process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Makes this server a cluster node, as {@link RedisClusterExtension} runs them: {@code
   * --cluster-enabled yes}, its node table in {@code nodes-<port>.conf} of its data directory (kept
   * across {@link #crash()} and {@link #start()}, so a node comes back with its identity), {@code
   * --cluster-node-timeout}, and {@code --repl-diskless-sync-delay 0} (Redis 7 would wait five
   * seconds before a replica's first sync). Its port is picked so that the cluster bus port, 10000
   * above, is free as well. Call before the first start.
   *
   * @throws IllegalStateException if the server was started already
   */
  synchronized RedisServerExtension asClusterNode(int nodeTimeoutMillis) {
    if (port != 0) {
      throw new IllegalStateException("asClusterNode must be called before the first start");
    }
    clusterNodeTimeoutMillis = nodeTimeoutMillis;
    return this;
  }

  /** The last lines of the running (or last) process's output, for failure messages. */
  synchronized String logTail() {
    return log == null ? "(never started)" : log + ":" + System.lineSeparator() + tail(log);
  }

  /**
   * The {@code redis-server} binary this extension runs, resolved on first use.
   *
   * @throws IllegalStateException if no binary is found
   */
  public synchronized Path binary() {
    resolveBinary();
    return binary;
  }

  /** Where {@link #binary()} came from. */
  public synchronized BinarySource binarySource() {
    resolveBinary();
    return binarySource;
  }

  /**
   * The server version as reported by {@code redis-server --version}, e.g. {@code "7.0.15"}.
   *
   * @throws IllegalStateException if no binary is found or its output has no version
   */
  public String version() {
    return versionOf(binary());
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the server if it is not running and waits until it answers {@code PING}. The first start
   * picks a free port (retrying with fresh ports, up to five attempts); later starts, after {@link
   * #stop()} or {@link #crash()}, reuse the same port so clients can reconnect. The server starts
   * with the {@link Persistence} of the last {@link #start(Persistence)} ({@link Persistence#NONE}
   * if none): with {@code NONE}, empty.
   *
   * @throws IllegalStateException if the server cannot be started; the message ends with the tail
   *     of the server's output
   */
  @Override
  public synchronized void start() {
    start(persistence);
  }

  /**
   * Starts the server with {@code persistence}, as {@link #start()} does, on the same port and data
   * directory as before: after a {@link #crash()}, {@link Persistence#NONE} starts it empty, {@link
   * Persistence#RDB} from its last {@code SAVE}, {@link Persistence#AOF} with every write it
   * acknowledged (if it ran with AOF before the crash). Later {@link #start()}s keep the mode.
   *
   * @throws IllegalStateException if the server is running with another mode, or cannot be started
   */
  public synchronized void start(Persistence persistence) {
    if (process != null) {
      if (process.isAlive()) {
        if (persistence != this.persistence) {
          throw new IllegalStateException(
              "redis-server is running with " + this.persistence + ", not " + persistence);
        }
        return;
      }
      // Died on its own (crash, killed by a test): forget it and start again on the same port.
      forget(process);
    }
    this.persistence = persistence;
    paused = false;
    resolveBinary();
    if (dir == null) {
      try {
        dir = Files.createTempDirectory("stateless-redis-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for redis-server", e);
      }
      LIVE_DIRS.add(dir);
    }
    if (persistence == Persistence.NONE) {
      deleteDataFiles();
    }
    boolean fixedPort = port != 0;
    String failures = "";
    for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
      int candidate = fixedPort ? port : freeServerPort();
      int tlsCandidate = tls == null ? 0 : fixedPort ? tlsPort : freePort();
      Path log = dir.resolve("redis-" + ++attempts + ".log");
      Process started = launch(candidate, tlsCandidate, log);
      String failure = awaitReady(started, candidate);
      if (failure == null) {
        this.log = log;
        process = started;
        port = candidate;
        tlsPort = tlsCandidate;
        return;
      }
      kill(started);
      failures +=
          String.format(
              "%nattempt %d on port %d: %s; output (%s):%n%s",
              attempt, candidate, failure, log, tail(log));
      if (fixedPort) {
        sleep(100);
      }
    }
    throw new IllegalStateException(
        "redis-server "
            + binary
            + " did not start after "
            + MAX_START_ATTEMPTS
            + " attempts"
            + failures);
  }

  /**
   * Stops the server: sends it SIGTERM ({@link Process#destroy()}), waits up to five seconds, then
   * kills it ({@link Process#destroyForcibly()}), and waits until its port refuses connections. The
   * port and temporary directory are kept for {@link #start()}. Does nothing if not running.
   *
   * @throws IllegalStateException if the port still accepts connections five seconds later
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (paused && process.isAlive()) {
      resume(); // a stopped process would hold SIGTERM until it runs again
    }
    Process stopping = process;
    process = null;
    kill(stopping);
    awaitPortClosed();
  }

  /**
   * Kills the server with {@code SIGKILL} (as {@code kill -9 <pid>}), as a crash would: no
   * shutdown, no save; clients see their connections reset. Waits until the process is gone and its
   * port refuses connections. The port and data directory are kept for {@link #start()} or {@link
   * #start(Persistence)}. Does nothing if not running.
   *
   * @throws IllegalStateException if the process outlives the signal by five seconds, or its port
   *     still accepts connections
   */
  public synchronized void crash() {
    if (process == null) {
      return;
    }
    Process killed = process;
    process = null;
    paused = false;
    killed.toHandle().destroyForcibly(); // SIGKILL on Unix, also to a stopped process
    try {
      if (!killed.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("redis-server pid " + killed.pid() + " outlived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing redis-server", e);
    }
    forget(killed);
    awaitPortClosed();
  }

  /**
   * Stops the running server's process with {@code SIGSTOP} ({@code kill -STOP <pid>}): its
   * connections stay open but nothing is answered until {@link #resume()}. {@link #stop()}, {@link
   * #close()} and the shutdown hook resume or kill a paused server.
   *
   * @throws IllegalStateException if the server is not running, or the signal cannot be sent
   */
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /**
   * Lets a {@link #pause() paused} server run again with {@code SIGCONT} ({@code kill -CONT
   * <pid>}).
   *
   * @throws IllegalStateException if the server is not running, or the signal cannot be sent
   */
  public synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  /** Whether the server was paused by {@link #pause()} and not resumed since. */
  public synchronized boolean isPaused() {
    return paused;
  }

  /** The {@link Persistence} the server runs (or last ran) with. */
  public synchronized Persistence persistence() {
    return persistence;
  }

  private void signal(String name) {
    long pid = pid();
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
      if (!kill.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -" + name + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + name + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name + " to " + pid, e);
    }
  }

  private void awaitPortClosed() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MILLIS);
    while (accepts(port)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "port " + port + " still accepts connections after redis-server stopped");
      }
      sleep(POLL_MILLIS);
    }
  }

  /**
   * Stops the server and deletes its temporary directory. A later {@link #start()} reuses the port
   * with a fresh directory.
   */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      if (dir != null) {
        deleteRecursively(dir);
        LIVE_DIRS.remove(dir);
        dir = null;
      }
    }
  }

  /** Deletes the RDB and AOF files of the data directory, so the next start is empty. */
  private void deleteDataFiles() {
    deleteRecursively(dir.resolve(RDB_FILE));
    for (String aof : AOF_FILES) {
      deleteRecursively(dir.resolve(aof));
    }
  }

  // ---------------------------------------------------------------- commands

  /**
   * The server's connections as {@code CLIENT LIST} reports them, one map of fields ({@code id},
   * {@code addr}, {@code cmd}, ...) per connection, the one asking included (its {@code cmd} is
   * {@code client|list}). A reader of invalidation streams shows {@code cmd=xread} while it waits;
   * {@code CLIENT KILL ID <id>} closes one.
   *
   * @throws UncheckedIOException if the server cannot be reached
   */
  public List<Map<String, String>> clients() {
    String reply = command("CLIENT", "LIST");
    List<Map<String, String>> clients = new ArrayList<>();
    for (String line : reply.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Map<String, String> fields = new java.util.LinkedHashMap<>();
      for (String field : line.trim().split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
      clients.add(fields);
    }
    return clients;
  }

  /**
   * Removes every key from every database ({@code FLUSHALL}).
   *
   * @throws IllegalStateException if the server does not reply {@code OK}
   */
  public void flushAll() {
    String reply = command("FLUSHALL");
    if (!"OK".equals(reply)) {
      throw new IllegalStateException("FLUSHALL replied " + reply);
    }
  }

  /**
   * Sends one command on a fresh connection and returns its reply as text:
   *
   * <ul>
   *   <li>simple string, integer, bulk string: its text ({@code "OK"}, {@code "5"}, {@code "v"});
   *   <li>null bulk string or null array: {@code null};
   *   <li>error: its line with the leading minus kept, e.g. {@code "-ERR unknown command ..."} or
   *       {@code "-WRONGTYPE ..."}, so errors cannot be mistaken for values (no exception is
   *       thrown);
   *   <li>array: its elements rendered by these rules and joined with {@code "\n"} (nested arrays
   *       flattened, null elements as {@code "(nil)"}, an empty array as {@code ""}).
   * </ul>
   *
   * <p>Arguments are sent as UTF-8 bulk strings; connect timeout 1 s, read timeout 30 s.
   *
   * @throws UncheckedIOException if the server cannot be reached or closes the connection
   */
  @Override
  public String command(String... args) {
    return render(reply(args));
  }

  /**
   * Sends one command as {@link #command(String...)} does and returns its reply as read: a String
   * (errors keep their leading minus), null, or a List of these, for replies whose elements may
   * hold a line break (keys, values).
   *
   * @throws UncheckedIOException if the server cannot be reached or closes the connection
   */
  Object reply(String... args) {
    return send(port(), READ_TIMEOUT_MILLIS, args);
  }

  /**
   * Sends one command as {@link #command(String...)} does, but gives up after one second without a
   * reply: for polling that must not hang on a stopped or stuck process.
   *
   * @throws UncheckedIOException if the server cannot be reached or does not reply in time
   */
  String probe(String... args) {
    return render(send(port(), PROBE_READ_TIMEOUT_MILLIS, args));
  }

  /** {@link #command(String...)} to the server or sentinel on a loopback port. */
  static String command(int port, String... args) {
    return render(send(port, READ_TIMEOUT_MILLIS, args));
  }

  private static Object send(int port, int readTimeoutMillis, String... args) {
    try (Socket socket = connect(port, readTimeoutMillis)) {
      OutputStream out = socket.getOutputStream();
      out.write(encode(args));
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "command " + (args.length == 0 ? "" : args[0]) + " to " + HOST + ":" + port + " failed",
          e);
    }
  }

  // ---------------------------------------------------------------- process handling

  private Process launch(int candidate, int tlsCandidate, Path log) {
    List<String> argv = new ArrayList<>(List.of(binary.toString()));
    if (config != null) {
      Path file = dir.resolve("redis.conf");
      try {
        if (!Files.exists(file)) {
          Files.writeString(file, config, StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
      argv.add(file.toString());
    }
    argv.addAll(
        List.of(
            "--port",
            Integer.toString(candidate),
            "--bind",
            HOST,
            "--save",
            "",
            "--dbfilename",
            RDB_FILE,
            "--daemonize",
            "no",
            "--protected-mode",
            "no",
            "--dir",
            dir.toString(),
            "--logfile",
            ""));
    if (tls != null) {
      argv.addAll(
          List.of(
              "--tls-port",
              Integer.toString(tlsCandidate),
              "--tls-cert-file",
              tls.get(0).toString(),
              "--tls-key-file",
              tls.get(1).toString(),
              "--tls-ca-cert-file",
              tls.get(2).toString(),
              "--tls-auth-clients",
              "no"));
    }
    if (persistence == Persistence.AOF) {
      argv.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    } else {
      argv.addAll(List.of("--appendonly", "no"));
    }
    if (clusterNodeTimeoutMillis != 0) {
      argv.addAll(
          List.of(
              "--cluster-enabled",
              "yes",
              "--cluster-config-file",
              dir.resolve("nodes-" + candidate + ".conf").toString(),
              "--cluster-node-timeout",
              Integer.toString(clusterNodeTimeoutMillis),
              "--repl-diskless-sync-delay",
              "0"));
    }
    argv.addAll(arguments);
    registerShutdownHook();
    try {
      Process started =
          new ProcessBuilder(argv)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      LIVE.add(started);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary, e);
    }
  }

  /** Null when {@code started} answers PING on {@code candidate}, otherwise why not. */
  private static String awaitReady(Process started, int candidate) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
    while (true) {
      if (!started.isAlive()) {
        return "exited with status " + started.exitValue();
      }
      if (pings(candidate)) {
        // Make sure the answer came from our process, not from another server on a raced port.
        Long owner = processIdOn(candidate);
        if (owner != null && owner == started.pid()) {
          return null;
        }
        if (owner != null) {
          return "port answered by another redis-server (pid " + owner + ")";
        }
      }
      if (System.nanoTime() > deadline) {
        return "no PONG within " + READY_TIMEOUT_MILLIS + " ms";
      }
      sleep(POLL_MILLIS);
    }
  }

  private static boolean pings(int candidate) {
    try (Socket socket = connect(candidate, PROBE_READ_TIMEOUT_MILLIS)) {
      socket.getOutputStream().write(encode("PING"));
      socket.getOutputStream().flush();
      return "PONG".equals(read(new BufferedInputStream(socket.getInputStream())));
    } catch (IOException e) {
      return false;
    }
  }

  private static Long processIdOn(int candidate) {
    try (Socket socket = connect(candidate, PROBE_READ_TIMEOUT_MILLIS)) {
      socket.getOutputStream().write(encode("INFO", "server"));
      socket.getOutputStream().flush();
      Object reply = read(new BufferedInputStream(socket.getInputStream()));
      if (reply instanceof String) {
        Matcher m = PROCESS_ID.matcher((String) reply);
        if (m.find()) {
          return Long.parseLong(m.group(1));
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean accepts(int candidate) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, candidate), CONNECT_TIMEOUT_MILLIS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Socket connect(int candidate, int readTimeoutMillis) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(readTimeoutMillis);
      socket.connect(new InetSocketAddress(HOST, candidate), CONNECT_TIMEOUT_MILLIS);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** A free port for the server; for a cluster node, one whose bus port is free too. */
  private int freeServerPort() {
    if (clusterNodeTimeoutMillis == 0) {
      return freePort();
    }
    for (int pick = 0; pick < MAX_PORT_PICKS; pick++) {
      int candidate = freePort();
      if (candidate + CLUSTER_BUS_OFFSET <= MAX_PORT && isFree(candidate + CLUSTER_BUS_OFFSET)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no free loopback port p with p + " + CLUSTER_BUS_OFFSET + " free in " + MAX_PORT_PICKS);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }

  private static boolean isFree(int candidate) {
    try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getByName(HOST))) {
      return socket.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGTERM, up to five seconds' grace, then SIGKILL. */
  private static void kill(Process p) {
    try {
      p.destroy();
      if (!p.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        if (!p.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("redis-server pid " + p.pid() + " did not die");
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping redis-server", e);
    } finally {
      if (!p.isAlive()) {
        forget(p);
      }
    }
  }

  private static void forget(Process p) {
    LIVE.remove(p);
  }

  private static synchronized void registerShutdownHook() {
    if (shutdownHookRegistered) {
      return;
    }
    shutdownHookRegistered = true;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Process p : LIVE) {
                    p.destroyForcibly();
                  }
                  for (Process p : LIVE) {
                    try {
                      p.waitFor(1, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      break;
                    }
                  }
                  for (Path d : LIVE_DIRS) {
                    deleteRecursively(d);
                  }
                },
                "redis-server-reaper"));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          System.lineSeparator(),
          lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a leftover temporary directory is not worth failing a test run for.
    }
  }

  /** Sleeps; an interrupt ends the wait with an IllegalStateException (and the flag set). */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
  }

  // ---------------------------------------------------------------- binary

  private void resolveBinary() {
    if (binary != null) {
      return;
    }
    if (requestedBinary != null) {
      binary = requestedBinary;
      return;
    }
    String property = System.getProperty(BINARY_PROPERTY);
    if (property != null && !property.isBlank()) {
      Path p = Path.of(property);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new IllegalStateException(
            "-D" + BINARY_PROPERTY + "=" + property + " is not an executable file");
      }
      binary = p;
      binarySource = BinarySource.SYSTEM_PROPERTY;
      return;
    }
    Path onPath = findOnPath();
    if (onPath != null) {
      binary = onPath;
      binarySource = BinarySource.PATH;
      return;
    }
    binary = embeddedBinary();
    binarySource = BinarySource.EMBEDDED;
  }

  private static Path findOnPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
      if (entry.isEmpty()) {
        continue;
      }
      try {
        Path candidate = Path.of(entry, "redis-server");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      } catch (InvalidPathException e) {
        // Skip PATH entries that are not valid paths.
      }
    }
    return null;
  }

  /**
   * The name of the {@code embedded-redis} resource for this platform, or null if it bundles none.
   */
  static String embeddedResourceName() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    if (os.contains("linux")) {
      return x64
          ? "redis-server-6.2.6-v5-linux-amd64"
          : arm64 ? "redis-server-6.2.7-linux-arm64" : null;
    }
    if (os.contains("mac") || os.contains("darwin")) {
      return x64
          ? "redis-server-6.2.6-v5-darwin-amd64"
          : arm64 ? "redis-server-6.2.6-v5-darwin-arm64" : null;
    }
    return null;
  }

  /**
   * The {@code embedded-redis} binary for this platform, extracted to an executable temporary file
   * once per JVM.
   *
   * @throws IllegalStateException if this platform has no bundled binary or it is not on the class
   *     path
   */
  static synchronized Path embeddedBinary() {
    if (extractedBinary != null && Files.isExecutable(extractedBinary)) {
      return extractedBinary;
    }
    String resource = embeddedResourceName();
    String hint =
        "; install redis-server on the PATH or set -D" + BINARY_PROPERTY + "=/path/to/redis-server";
    if (resource == null) {
      throw new IllegalStateException(
          "no redis-server on the PATH and embedded-redis bundles none for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + hint);
    }
    try (InputStream in =
        RedisServerExtension.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "no redis-server on the PATH and resource "
                + resource
                + " not on the class path (is com.github.codemonstur:embedded-redis a test"
                + " dependency?)"
                + hint);
      }
      Path target = Files.createTempFile("stateless-" + resource + "-", "");
      target.toFile().deleteOnExit();
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (!target.toFile().setExecutable(true, true)) {
        throw new IllegalStateException("cannot make " + target + " executable");
      }
      extractedBinary = target;
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + resource, e);
    }
  }

  /** The version {@code binary --version} reports, cached per binary. */
  static String versionOf(Path binary) {
    return VERSIONS.computeIfAbsent(binary, RedisServerExtension::runVersion);
  }

  private static String runVersion(Path binary) {
    String output;
    try {
      Process p =
          new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(binary + " --version did not exit");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary + " --version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + binary + " --version", e);
    }
    Matcher m = VERSION.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException(binary + " --version printed no version: " + output.strip());
    }
    return m.group(1);
  }

  // ---------------------------------------------------------------- RESP

  private static byte[] encode(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeAscii(out, "*" + args.length + "\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      writeAscii(out, "$" + bytes.length + "\r\n");
      out.write(bytes, 0, bytes.length);
      writeAscii(out, "\r\n");
    }
    return out.toByteArray();
  }

  private static void writeAscii(ByteArrayOutputStream out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    out.write(bytes, 0, bytes.length);
  }

  /**
   * Reads one reply: a String (simple, integer, bulk; errors keep their leading '-'), null, or a
   * List of replies. Understands the RESP3 types too, in case a caller sends {@code HELLO 3}.
   */
  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed before a reply");
    }
    String line = readLine(in);
    switch (type) {
      case '+', ':', ',', '#', '(':
        return line;
      case '-':
        return "-" + line;
      case '_':
        return null;
      case '$', '=', '!':
        {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          byte[] bytes = in.readNBytes(length);
          if (bytes.length != length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("truncated bulk reply");
          }
          String text = new String(bytes, StandardCharsets.UTF_8);
          return type == '!' ? "-" + text : text;
        }
      case '*', '~', '>', '%', '|':
        {
          int count = Integer.parseInt(line);
          if (count < 0) {
            return null;
          }
          if (type == '%' || type == '|') {
            count *= 2;
          }
          List<Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            items.add(read(in));
          }
          if (type == '|') {
            // An attribute precedes the actual reply; ignore it.
            return read(in);
          }
          return items;
        }
      default:
        throw new IOException("unknown RESP type '" + (char) type + "' followed by: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside a reply");
      }
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
  }

  private static String render(Object reply) {
    if (reply == null || reply instanceof String) {
      return (String) reply;
    }
    List<String> parts = new ArrayList<>();
    for (Object item : (List<?>) reply) {
      parts.add(item == null ? "(nil)" : render(item));
    }
    return String.join("\n", parts);
  }
}
