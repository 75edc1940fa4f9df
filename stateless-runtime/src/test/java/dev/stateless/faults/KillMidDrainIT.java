package dev.stateless.faults;

import static dev.stateless.faults.FaultSuite.ledger;
import static dev.stateless.faults.FaultSuite.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.Await;
import dev.stateless.testing.ChildJvm;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.RedisServerExtension.Persistence;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's JVM killed with {@code kill -9} while it drains its durable offline queue ({@link
 * DrainChild} in a child JVM); the next node on the same queue file drains the rest.
 */
class KillMidDrainIT {
  @RegisterExtension static final FaultSuite suite = new FaultSuite();

  private static final int DRAIN_RECORDS = 8_000;
  private static final int DRAIN_KEYS = 80;

  /**
   * A child JVM queues 8,000 {@code CLIENT_FIRST} writes in its durable queue while Redis is
   * stopped (SIGSTOP), then drains them while Redis runs in slices of a few milliseconds; once an
   * eighth are applied it is killed with {@code kill -9} (Redis stopped, so records sent are still
   * in Redis's socket buffer, to be applied after the kill). A node started here on the same queue
   * file drains the rest: every record applied exactly once (the events' record numbers in the
   * owner's stream: 1..8000, each once, in order), every key holding its last value.
   */
  @Test
  void jvmKilledMidDrain_nextNodeDrainsTheRest_exactlyOnce(@TempDir Path dir) throws Exception {
    long start = System.nanoTime();
    Ledger ledger = ledger("(f) JVM kill -9 mid-drain");
    RedisServerExtension redis = suite.server(Persistence.NONE);
    Path queue = dir.resolve("child.queue");
    String uri = FaultSuite.uri(redis);
    Process child =
        suite.child(
            new ProcessBuilder(
                    ChildJvm.command(
                        DrainChild.class,
                        List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                        uri,
                        queue.toString(),
                        Integer.toString(DRAIN_RECORDS),
                        Integer.toString(DRAIN_KEYS)))
                .redirectErrorStream(true));
    LinkedBlockingQueue<String> lines = pump(child);
    long appliedAtKill;
    FaultTable.Row row;
    try {
      awaitLine(lines, "built", child);
      redis.pause();
      OutputStream stdin = child.getOutputStream();
      stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      awaitLine(lines, "queued " + DRAIN_RECORDS, child);
      ledger.operations.add(DRAIN_RECORDS);
      appliedAtKill = drainSlowlyThenKill(redis, child);
      redis.resume();
      // What the dead child had sent still runs: Redis reads it from its socket buffer.
      long byTheChild = settledAppliedRecords(redis);
      assertThat(byTheChild)
          .as("records left to the next node (else the kill was not mid-drain)")
          .isLessThan(DRAIN_RECORDS);
      ledger.detail(
          "kill -9 once "
              + appliedAtKill
              + " were applied; applied by the child (its records already sent included): "
              + byTheChild
              + ", left to the next node: "
              + (DRAIN_RECORDS - byTheChild));

      StatelessCache next = FaultSuite.node(uri).offlineQueue(queue).build();
      try {
        try {
          next.flush().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          ledger.hangs.increment();
          ledger.detail("hang: the next node's flush() not done in 30 s");
        }
        row = drainFigures(redis, next.sync(), ledger, start);
      } finally {
        next.close();
      }
    } finally {
      child.toHandle().destroyForcibly();
      if (redis.isRunning() && redis.isPaused()) {
        redis.resume();
      }
      redis.close();
    }
    report(row);
  }

  /** A thread that copies the child's output lines to a queue (and to this output). */
  private static LinkedBlockingQueue<String> pump(Process child) {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  System.out.println("[drain-child] " + line);
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("<output closed: " + e + ">");
              }
            },
            "fault-drain-child-output");
    t.setDaemon(true);
    t.start();
    return lines;
  }

  private static void awaitLine(LinkedBlockingQueue<String> lines, String expected, Process child)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (expected.equals(line)) {
        return;
      }
      if (line == null && !child.isAlive()) {
        throw new AssertionError("the child exited (" + child.exitValue() + ") before " + expected);
      }
    }
    throw new AssertionError("the child did not print \"" + expected + "\" within 60 s");
  }

  /**
   * Lets the paused Redis run a few milliseconds at a time (the drain advances a window at a time),
   * reading the queue's applied-record counter, until an eighth of the records are applied; then
   * kills the child with SIGKILL while Redis is stopped. Returns the counter last read (Redis runs
   * on for the few milliseconds a signal takes, so more were applied by the kill).
   */
  private static long drainSlowlyThenKill(RedisServerExtension redis, Process child)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long applied = 0;
    while (applied < DRAIN_RECORDS / 8) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the drain did not reach an eighth in 30 s: " + applied);
      }
      redis.resume();
      Thread.sleep(3);
      applied = appliedRecords(redis);
      redis.pause();
      Thread.sleep(40);
    }
    if (applied >= DRAIN_RECORDS) {
      throw new AssertionError("the drain ended before the kill: nothing left to test");
    }
    child.toHandle().destroyForcibly(); // SIGKILL
    if (!child.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the child outlived SIGKILL");
    }
    return applied;
  }

  /** The applied-record counter once it stops moving (read until two reads agree). */
  private static long settledAppliedRecords(RedisServerExtension redis) {
    long[] last = {-1};
    return Await.value(
        () -> appliedRecords(redis),
        n -> {
          boolean settled = n == last[0];
          last[0] = n;
          return settled;
        },
        Duration.ofSeconds(2));
  }

  /** The queue's last applied record number in Redis (one queue: the child's). */
  private static long appliedRecords(RedisServerExtension redis) {
    String v = redis.command("HVALS", RedisKeys.queues(RedisKeys.STANDALONE));
    return v == null || v.isBlank() ? 0 : Long.parseLong(v.strip());
  }

  /**
   * Exactly once: the record numbers ({@code q}) of the events in the owner's stream must be
   * 1..records, each once, in order; every key must hold its last record's value, on Redis and
   * through the next node.
   */
  private static FaultTable.Row drainFigures(
      RedisServerExtension redis, SyncCache next, Ledger ledger, long start) {
    List<Long> numbers = new ArrayList<>();
    for (AppliedRecords.Applied a : AppliedRecords.of(redis, "drained")) {
      numbers.add(a.number());
    }
    Set<Long> distinct = new HashSet<>(numbers);
    long duplicated = numbers.size() - distinct.size();
    long lost = 0;
    for (long q = 1; q <= DRAIN_RECORDS; q++) {
      if (!distinct.contains(q)) {
        lost++;
      }
    }
    long outOfOrder = 0;
    for (int i = 1; i < numbers.size(); i++) {
      if (numbers.get(i) <= numbers.get(i - 1)) {
        outOfOrder++;
      }
    }
    if (lost > 0) {
      ledger.detail(lost + " record numbers never applied");
    }
    if (outOfOrder > 0) {
      ledger.detail(outOfOrder + " events out of order");
    }
    Map<String, String> last = new HashMap<>();
    for (int i = 0; i < DRAIN_RECORDS; i++) {
      last.put(DrainChild.key(i, DRAIN_KEYS), DrainChild.value(i, DRAIN_KEYS));
    }
    long wrongValues = 0;
    long stale = 0;
    for (Map.Entry<String, String> e : last.entrySet()) {
      String held = TwoNodeLoad.inRedis(redis, e.getKey());
      if (!e.getValue().equals(held)) {
        wrongValues++;
        ledger.detail("lost: " + e.getKey() + " holds " + held + ", last queued " + e.getValue());
      }
      Object read = next.get(e.getKey());
      if (!Objects.equals(read, held)) {
        stale++;
        ledger.detail("stale: the next node reads " + read + " for " + e.getKey());
      }
      ledger.operations.increment();
    }
    ledger.detail(numbers.size() + " events for " + DRAIN_RECORDS + " records");
    return new FaultTable.Row(
        ledger.fault,
        ledger.operations.sum(),
        stale,
        lost + wrongValues,
        duplicated,
        ledger.hangs.sum(),
        0,
        0,
        0,
        0,
        Duration.ofNanos(System.nanoTime() - start),
        String.join("; ", ledger.details()));
  }
}
