package dev.stateless.edge.internal;

import dev.stateless.core.Manifest;
import dev.stateless.edge.EdgeNode;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar stateless-edge.jar [options]}: the node's command line (picocli). */
@Command(
    name = "stateless-edge",
    mixinStandardHelpOptions = true,
    versionProvider = EdgeCommandLine.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs a stateless edge node: a Redis-protocol (RESP2/RESP3) server. Stops gracefully on"
          + " SIGTERM or Ctrl-C: stops accepting, answers the requests already read, closes."
    })
public final class EdgeCommandLine implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(EdgeCommandLine.class);

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "TCP port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = EdgeConfig.DEFAULT_PORT;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, loopback only).")
  String bind = EdgeConfig.DEFAULT_BIND;

  @Option(
      names = "--requirepass",
      paramLabel = "PASSWORD",
      description = "Password of the default user; clients must AUTH first (default: none).")
  @Nullable String requirepass;

  @Option(
      names = "--manifest",
      paramLabel = "FILE|CLASS",
      description =
          "The keys' manifest: a manifest file (docs/manifest-file.md) or a @CacheManifest class on"
              + " the class path (default: none, every key allowed as on Redis).")
  @Nullable String manifest;

  @Option(
      names = "--classpath",
      paramLabel = "PATH",
      description =
          "Jars and directories (separated by '${sys:path.separator}') to load a --manifest class"
              + " from, e.g. the application's jar (default: the node's own class path).")
  @Nullable String classpath;

  @Option(
      names = "--upstream",
      paramLabel = "URI",
      description =
          "Redis holding the server layer, as Stores.redis takes it (default: none, the keys live"
              + " in the node's memory).")
  @Nullable String upstream;

  @Option(
      names = "--user",
      paramLabel = "COMPONENT:PASSWORD",
      description =
          "A user acting as a manifest component (AUTH <component> <password>); repeatable.")
  List<String> users = new ArrayList<>();

  @Option(
      names = "--users-file",
      paramLabel = "FILE",
      description =
          "Users acting as manifest components, a line each: user <component> on >password (or"
              + " on #<sha256>, or off); see docs/edge.md.")
  @Nullable Path usersFile;

  @Option(
      names = "--default-user",
      paramLabel = "all|none",
      description =
          "What the default user may do with keys: all (as on Redis), or none (clients AUTH as"
              + " components). Default: all without a manifest, none with one.")
  @Nullable String defaultUser;

  @Option(
      names = "--maxclients",
      paramLabel = "N",
      description = "Most connections at once (default: ${DEFAULT-VALUE}).")
  int maxClients = EdgeConfig.DEFAULT_MAX_CLIENTS;

  @Option(
      names = "--proto-max-bulk-len",
      paramLabel = "SIZE",
      description = "Longest argument in a request, e.g. 512mb, 1mb, 65536 (default: 512mb).")
  String protoMaxBulkLen = "512mb";

  @Option(
      names = "--client-query-buffer-limit",
      paramLabel = "SIZE",
      description = "Most bytes one request may hold (default: 1gb).")
  String queryBufferLimit = "1gb";

  @Option(
      names = "--client-output-buffer-limit",
      paramLabel = "SIZE",
      description =
          "Unsent reply bytes per connection above which its requests wait (default: 32mb).")
  String outputBufferLimit = "32mb";

  @Option(
      names = "--client-output-buffer-timeout",
      paramLabel = "SECONDS",
      description =
          "Seconds a connection may stay above the output buffer limit before it is"
              + " disconnected (default: ${DEFAULT-VALUE}).")
  long outputBufferTimeoutSeconds = EdgeConfig.DEFAULT_OUTPUT_BUFFER_TIMEOUT.toSeconds();

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "SECONDS",
      description =
          "Seconds a graceful shutdown waits for in-flight replies (default: ${DEFAULT-VALUE}).")
  long shutdownTimeoutSeconds = EdgeConfig.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds();

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics at GET /metrics on this port of the --bind address; 0 picks"
              + " a free one (default: none).")
  int metricsPort = -1;

  @Option(
      names = "--tracking-table-max-keys",
      paramLabel = "N",
      description =
          "Most keys remembered for client-side caching (CLIENT TRACKING); past it the oldest"
              + " is invalidated; 0: no limit (default: ${DEFAULT-VALUE}).")
  int trackingTableMaxKeys = Tracking.DEFAULT_MAX_KEYS;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      description = "I/O threads; 0: twice the processors (default: ${DEFAULT-VALUE}).")
  int ioThreads;

  /**
   * Parses {@code args} and runs the node until the JVM shuts down.
   *
   * @return the exit code: 0, or 2 for bad options, 1 when the node cannot start
   */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new EdgeCommandLine());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("stateless-edge: " + e.getMessage());
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    EdgeNode.Builder builder =
        EdgeNode.builder()
            .bind(bind)
            .port(port)
            .requirepass(requirepass)
            .maxClients(maxClients)
            .protoMaxBulkLen(MemorySize.parse(protoMaxBulkLen))
            .clientQueryBufferLimit(MemorySize.parse(queryBufferLimit))
            .clientOutputBufferLimit(MemorySize.parse(outputBufferLimit))
            .clientOutputBufferTimeout(Duration.ofSeconds(outputBufferTimeoutSeconds))
            .shutdownTimeout(Duration.ofSeconds(shutdownTimeoutSeconds))
            .ioThreads(ioThreads)
            .metricsPort(metricsPort)
            .trackingTableMaxKeys(trackingTableMaxKeys)
            .manifest(manifest == null ? Manifest.empty() : loadManifest(manifest, classpath))
            .upstream(upstream)
            .usersFile(usersFile);
    for (String user : users) {
      int colon = user.indexOf(':');
      if (colon <= 0 || colon == user.length() - 1) {
        throw new IllegalArgumentException(
            "--user " + user.replaceAll(":.*", ":***") + " is not COMPONENT:PASSWORD");
      }
      builder.user(user.substring(0, colon), user.substring(colon + 1));
    }
    if (defaultUser != null) {
      if (!defaultUser.equals("all") && !defaultUser.equals("none")) {
        throw new IllegalArgumentException("--default-user is all or none, not " + defaultUser);
      }
      builder.defaultUserActsForAllOwners(defaultUser.equals("all"));
    }
    EdgeNode node = builder.start();
    // SIGTERM and Ctrl-C run the JVM's shutdown hooks: the node closes gracefully in this one.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Received SIGTERM scheduling shutdown...");
                  node.close();
                },
                "stateless-edge-shutdown"));
    node.awaitTermination();
    return 0;
  }

  /**
   * A manifest file, or else a manifest class of that name, from {@code classpath} (jars and
   * directories) when given, else from the node's own class path.
   *
   * @throws IllegalArgumentException if it is neither, naming what was tried
   */
  static Manifest loadManifest(String fileOrClass, @Nullable String classpath) {
    Path file = Path.of(fileOrClass);
    if (Files.isRegularFile(file)) {
      try {
        return Manifest.parse(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --manifest " + file + ": " + e, e);
      }
    }
    ClassLoader loader = classLoader(classpath);
    Class<?> type;
    try {
      type = Class.forName(fileOrClass, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          "--manifest "
              + fileOrClass
              + " is no file and no class on "
              + (classpath == null ? "the class path" : "--classpath " + classpath)
              + "; give a manifest file's path, or a @CacheManifest class and the jar it is in"
              + " (--classpath app.jar --manifest com.example.AppCache)",
          e);
    }
    return Manifest.from(type);
  }

  /** The node's class loader, or one over {@code classpath}'s jars and directories. */
  private static ClassLoader classLoader(@Nullable String classpath) {
    ClassLoader own = EdgeCommandLine.class.getClassLoader();
    if (classpath == null) {
      return own;
    }
    List<URL> urls = new ArrayList<>();
    for (int from = 0; from <= classpath.length(); ) {
      int end = classpath.indexOf(File.pathSeparatorChar, from);
      if (end < 0) {
        end = classpath.length();
      }
      String part = classpath.substring(from, end);
      from = end + 1;
      if (part.isEmpty()) {
        continue;
      }
      Path path = Path.of(part);
      if (!Files.exists(path)) {
        throw new IllegalArgumentException("--classpath: no such jar or directory: " + path);
      }
      try {
        urls.add(path.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("--classpath: " + path + ": " + e.getMessage(), e);
      }
    }
    // Kept open: the manifest class and what it names stay loadable while the node runs.
    return new URLClassLoader(urls.toArray(new URL[0]), own);
  }

  /** The version {@code --version} prints. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "stateless-edge "
            + NodeContext.statelessVersion()
            + " (Redis protocol "
            + NodeContext.REDIS_VERSION
            + ")"
      };
    }
  }
}
