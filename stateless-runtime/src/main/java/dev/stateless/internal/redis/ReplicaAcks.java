package dev.stateless.internal.redis;

import dev.stateless.internal.Errors;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Acknowledges a write only once replicas of the master that applied it have it: after the master's
 * reply, {@code WAIT n timeout} on the connection that sent the write (WAIT counts the replicas
 * that have every write <em>of that connection</em> so far, so one WAIT confirms all the writes
 * acknowledged on it before). One WAIT per connection is in flight at a time; the writes
 * acknowledged meanwhile wait for the next, so a flush of many writes costs one WAIT.
 *
 * <p>A write whose replicas do not confirm it in time, or whose connection dropped between sending
 * it and the confirmation (a WAIT on a new connection confirms nothing of the old one's), fails
 * with SL100 naming how many writes of that WAIT were not confirmed: it may be lost if the master
 * fails over, and it may as well be applied.
 *
 * <p>{@link #AUTO} waits for one replica when the master has had one connected ({@code ROLE}, asked
 * at most once a second) since the connection was made: a master without replicas has nothing to
 * fail over to; one whose replica went away fails the writes it cannot confirm (the replica may
 * come back, or be promoted, without them).
 */
final class ReplicaAcks {
  /** {@link #wanted} of the automatic mode. */
  static final int AUTO = -1;

  /** How often, at most, a connection's master is asked for its replicas in the automatic mode. */
  private static final long ROLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Connections kept without a check whether they are still open. */
  private static final int GATES_BEFORE_PRUNING = 64;

  /** Replicas to wait for, or {@link #AUTO}. */
  private final int wanted;

  private final String store;
  private final long waitMillis;

  /** Runs after a WAIT or ROLE is dispatched: the connection may not flush by itself. */
  private final Runnable flush;

  /** Counts the client's dropped connections: {@link #epoch}. */
  private final AtomicLong drops = new AtomicLong();

  /**
   * Per connection of the client (identity; weak: the client opens and closes connections of its
   * own, e.g. to refresh a cluster's topology), the {@link #drops} count its last drop made.
   */
  private final Map<Object, Long> droppedAt = Collections.synchronizedMap(new WeakHashMap<>());

  private final Map<StatefulRedisConnection<String, byte[]>, Gate> gates =
      new ConcurrentHashMap<>();

  /**
   * @param wanted the replicas each write waits for (at least 1), or {@link #AUTO}
   * @param timeout the command timeout: a WAIT waits half of it, so that its reply comes first
   */
  ReplicaAcks(int wanted, String store, Duration timeout, Runnable flush) {
    if (wanted < 1 && wanted != AUTO) {
      throw new IllegalArgumentException("replicas " + wanted);
    }
    this.wanted = wanted;
    this.store = store;
    this.waitMillis = Math.max(1, timeout.toMillis() / 2);
    this.flush = flush;
  }

  /** Notes that a connection of the client dropped: what it had not confirmed never will be. */
  void disconnected(Object connection) {
    droppedAt.put(connection, drops.incrementAndGet());
  }

  /** Taken before a write is sent, and given to {@link #confirm} with its reply. */
  long epoch() {
    return drops.get();
  }

  /** Whether the connection dropped after {@code epoch} was taken. */
  private boolean droppedSince(Object connection, long epoch) {
    Long at = droppedAt.get(connection);
    return at != null && at > epoch;
  }

  /**
   * Completes {@code out} with {@code value}, the reply of a write sent on {@code on} at {@code
   * epoch}, once its replicas have it; or fails it.
   */
  <T> void confirm(
      StatefulRedisConnection<String, byte[]> on, long epoch, T value, CompletableFuture<T> out) {
    Gate gate = gates.get(on);
    if (gate == null) {
      if (gates.size() >= GATES_BEFORE_PRUNING) {
        gates.keySet().removeIf(c -> !c.isOpen());
      }
      gate = gates.computeIfAbsent(on, c -> new Gate());
    }
    gate.add(on, new Pending<>(epoch, value, out));
  }

  private record Pending<T>(long epoch, T value, CompletableFuture<T> out) {
    void confirmed() {
      out.complete(value);
    }

    void fail(RuntimeException e) {
      out.completeExceptionally(e);
    }
  }

  /** The writes of one connection waiting for their confirmation. */
  private final class Gate {
    private List<Pending<?>> pending = new ArrayList<>();
    private boolean waiting;

    /**
     * The most replicas the master had connected at a check since {@link #seenSince}; -1: not
     * checked yet.
     */
    private volatile int replicas = -1;

    /**
     * The {@link #epoch} before the first check {@link #replicas} counts: a reconnect starts over.
     */
    private volatile long seenSince;

    private volatile long checkedAt;

    private void checked(StatefulRedisConnection<String, byte[]> on, int connected) {
      if (replicas < 0 || droppedSince(on, seenSince)) {
        replicas = connected;
        seenSince = drops.get();
      } else {
        replicas = Math.max(replicas, connected);
      }
      checkedAt = System.nanoTime();
    }

    void add(StatefulRedisConnection<String, byte[]> on, Pending<?> p) {
      synchronized (this) {
        pending.add(p);
        if (waiting) {
          return; // the WAIT in flight takes it next
        }
        waiting = true;
      }
      next(on);
    }

    /** Confirms the writes pending now, then those added meanwhile, until none are left. */
    private void next(StatefulRedisConnection<String, byte[]> on) {
      List<Pending<?>> batch;
      synchronized (this) {
        if (pending.isEmpty()) {
          waiting = false;
          return;
        }
        batch = pending;
        pending = new ArrayList<>();
      }
      RedisAsyncCommands<String, byte[]> commands = on.async();
      if (wanted == AUTO && (replicas < 0 || System.nanoTime() - checkedAt > ROLE_CHECK_NANOS)) {
        try {
          commands
              .role()
              .whenComplete(
                  (role, t) -> {
                    if (t == null) {
                      checked(on, connectedReplicas(role));
                      await(on, commands, batch);
                    } else {
                      failAll(batch, Errors.replicasUnconfirmed(store, batch.size(), 1, t));
                      next(on);
                    }
                  });
          flush.run();
        } catch (RuntimeException e) {
          refused(on, batch, e);
        }
      } else {
        await(on, commands, batch);
      }
    }

    /** The connection refused the command (closed): nothing will confirm these writes. */
    private void refused(
        StatefulRedisConnection<String, byte[]> on, List<Pending<?>> batch, RuntimeException e) {
      failAll(batch, Errors.replicasUnconfirmed(store, batch.size(), Math.max(1, wanted), e));
      next(on);
    }

    private void await(
        StatefulRedisConnection<String, byte[]> on,
        RedisAsyncCommands<String, byte[]> commands,
        List<Pending<?>> batch) {
      int want = wanted == AUTO ? Math.min(1, replicas) : wanted;
      if (want == 0) {
        batch.forEach(Pending::confirmed);
        next(on);
        return;
      }
      try {
        sendWait(on, commands, batch, want);
      } catch (RuntimeException e) {
        refused(on, batch, e);
      }
    }

    private void sendWait(
        StatefulRedisConnection<String, byte[]> on,
        RedisAsyncCommands<String, byte[]> commands,
        List<Pending<?>> batch,
        int want) {
      commands
          .waitForReplication(want, waitMillis)
          .whenComplete(
              (confirmed, t) -> {
                if (t != null || confirmed == null || confirmed < want) {
                  failAll(batch, Errors.replicasUnconfirmed(store, batch.size(), want, t));
                } else {
                  List<Pending<?>> dropped = new ArrayList<>();
                  for (Pending<?> p : batch) {
                    if (droppedSince(on, p.epoch())) {
                      dropped.add(p);
                    } else {
                      p.confirmed();
                    }
                  }
                  if (!dropped.isEmpty()) {
                    failAll(
                        dropped,
                        Errors.replicasUnconfirmed(
                            store, dropped.size(), want, Errors.connectionDropped()));
                  }
                }
                next(on);
              });
      flush.run();
    }
  }

  private static void failAll(List<Pending<?>> batch, RuntimeException e) {
    for (Pending<?> p : batch) {
      p.fail(e);
    }
  }

  /**
   * The replicas a master's {@code ROLE} reply lists (connected ones): {@code master}, its offset,
   * then one entry per replica. A node that is no master has none of its own.
   */
  static int connectedReplicas(@Nullable List<Object> role) {
    if (role == null
        || role.size() < 3
        || !"master".equals(String.valueOf(text(role.get(0))))
        || !(role.get(2) instanceof List<?> replicas)) {
      return 0;
    }
    return replicas.size();
  }

  private static @Nullable Object text(@Nullable Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.US_ASCII) : o;
  }
}
