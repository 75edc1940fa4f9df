package dev.stateless.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.testing.RedisDeployment;
import dev.stateless.testing.RedisSentinelExtension;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.RedisServerExtension.Persistence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every fault IT class shares, registered on a static field:
 *
 * <pre>{@code @RegisterExtension static final FaultSuite suite = new FaultSuite();}</pre>
 *
 * <p>It starts the class's redis-servers, Sentinel deployments and child JVMs and stops every one
 * by its PID after the class, also when a scenario failed (each scenario stops its own in a {@code
 * finally} first); it takes each scenario's figures ({@link #report}), and once the whole test run
 * is over prints the table of every fault IT class and writes it to {@code target/fault-suite.md}.
 * The suite's settings (timeouts, load pace) are here, so every scenario counts by the same rules.
 * A new fault family (Redis Cluster, the edge node) is one more IT class with this extension.
 */
final class FaultSuite implements BeforeAllCallback, AfterAllCallback {
  /** The nodes' Redis command timeout. */
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** How much later than its timeout a call may end before it counts as past it. */
  static final Duration SLACK = Duration.ofMillis(250);

  /** How much later than its timeout a call that has not ended counts as hung. */
  static final Duration MARGIN = Duration.ofSeconds(4);

  /** The pause between a load thread's calls. */
  static final Duration PACE = Duration.ofNanos(300_000);

  /** How long invalidations get to reach every node before a disagreeing view counts as stale. */
  static final Duration SETTLE = Duration.ofSeconds(5);

  /** How long a load runs before a fault, and after the recovery. */
  static final long LOAD_MILLIS = 1_200;

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FaultSuite.class);

  private final List<RedisServerExtension> servers = new CopyOnWriteArrayList<>();
  private final List<RedisSentinelExtension> sentinels = new CopyOnWriteArrayList<>();
  private final List<Process> children = new CopyOnWriteArrayList<>();
  private long classStart;

  /** Prints and writes the table when the test run's root context closes: after every class. */
  private static final class Publisher implements AutoCloseable {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public void close() {
      FaultTable.publish(
          Path.of(System.getProperty("basedir", "."), "target", "fault-suite.md"),
          Duration.ofNanos(nanos.get()));
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    publisher(context); // made now, so the root context closes it at the end of the run
    classStart = System.nanoTime();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      for (Process p : children) {
        p.toHandle().destroyForcibly(); // SIGKILL, by PID
      }
      for (RedisSentinelExtension s : sentinels) {
        s.close(); // SIGTERM by PID to every sentinel, then to every server
      }
      for (RedisServerExtension r : servers) {
        r.close(); // resumes a paused server, then SIGTERM by PID (SIGKILL after 5 s)
      }
    } finally {
      publisher(context).nanos.addAndGet(System.nanoTime() - classStart);
    }
  }

  private static Publisher publisher(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Publisher.class, k -> new Publisher(), Publisher.class);
  }

  /** A redis-server on a free loopback port, started with {@code persistence}. */
  RedisServerExtension server(Persistence persistence) {
    RedisServerExtension redis = new RedisServerExtension();
    servers.add(redis);
    redis.start(persistence);
    return redis;
  }

  /** A Sentinel deployment (a master, a replica, three sentinels) on free loopback ports. */
  RedisSentinelExtension sentinel() {
    RedisSentinelExtension deployment = new RedisSentinelExtension();
    sentinels.add(deployment);
    deployment.start();
    return deployment;
  }

  /** Starts a child process, killed (SIGKILL, by PID) after the class if still alive. */
  Process child(ProcessBuilder builder) {
    try {
      Process p = builder.start();
      children.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
  }

  /** A ledger that counts by the suite's timeout, slack and margin. */
  static Ledger ledger(String fault) {
    return new Ledger(fault, TIMEOUT, SLACK, MARGIN);
  }

  /** The URI a node uses for {@code redis}: its address and the suite's timeout. */
  static String uri(RedisDeployment redis) {
    String uri = redis.uri();
    int master = uri.indexOf('#'); // a Sentinel URI's master name ends it
    String query = "?timeout=" + TIMEOUT.toMillis() + "ms";
    return master < 0 ? uri + query : uri.substring(0, master) + query + uri.substring(master);
  }

  /** A node of the fault manifest on {@code uri}, to be configured further and built. */
  static StatelessCache.Builder node(String uri) {
    return StatelessCache.builder().manifest(FaultManifest.class).server(Stores.redis(uri));
  }

  /** A load's duration or an outage's, not a wait for a condition (that is {@code Await}). */
  static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  /** Adds the row to the table, then asserts the suite's promise for it. */
  static void report(FaultTable.Row row) {
    FaultTable.add(row);
    assertThat(row.clean())
        .as(
            "%s: %d stale, %d lost, %d duplicated, %d hangs, %d uncoded failures; %s",
            row.fault(),
            row.stale(),
            row.lost(),
            row.duplicated(),
            row.hangs(),
            row.uncoded(),
            row.notes())
        .isTrue();
  }
}
