package dev.stateless.internal.redis;

import dev.stateless.internal.Futures;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.Threads;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the 16384 invalidation logs of a Redis Cluster (one per hash slot: an event lives in the
 * slot of its key, so a write and its event are one atomic script on the slot's master) on a thread
 * of its own, and tells the cache what other nodes wrote.
 *
 * <p>Which logs to read: every writer publishes, once its writes are acknowledged, the slots they
 * wrote on the channel {@link #WAKE} (one PUBLISH per flush of its connection, which Redis Cluster
 * delivers to subscribers on every node); this reader reads those slots' logs from where it left
 * off, each with one XREAD, pipelined. A wake-up can be lost (the writer died between its write and
 * the PUBLISH, or the subscription was down), so every {@link #SWEEP_MILLIS} ms, and before the
 * store is trusted again after any failure (a node down, a failover, a slot moved), it sweeps: it
 * reads every slot's log and, after a failure, every slot's counter; and after a failure it drops
 * every copy, since a master that failed over to a replica may have lost writes (this node's own
 * among them) whose events no reader saw.
 */
final class ClusterInvalidations extends LogReader {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterInvalidations.class);

  /** The channel of wake-ups: a message is the decimal slot numbers written, comma-separated. */
  static final String WAKE = RedisKeys.PREFIX + "wake";

  /** How often every log is read even without a wake-up. */
  static final long SWEEP_MILLIS = 5000;

  /** XREADs in flight at once during a sweep. */
  private static final int SWEEP_WINDOW = 512;

  private static final int PAGE = 1000;

  private final RedisClusterClient client;
  private final RedisCodec<String, byte[]> codec;
  private final Cursor[] cursors = new Cursor[SlotHash.SLOT_COUNT];

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();

  /** Slots woken and not yet read; guarded by {@link #lock}. */
  private final BitSet dirty = new BitSet(SlotHash.SLOT_COUNT);

  /** Whether the subscription failed since the last sweep; guarded by {@link #lock}. */
  private boolean missedWakeUps;

  private @Nullable StatefulRedisClusterConnection<String, byte[]> connection;
  private @Nullable StatefulRedisClusterPubSubConnection<String, byte[]> wakeUps;

  ClusterInvalidations(
      String store,
      RedisClusterClient client,
      RedisCodec<String, byte[]> codec,
      String nodeId,
      List<String> owners,
      InvalidationListener listener,
      Duration timeout) {
    super(store, nodeId, owners, listener, timeout);
    this.client = client;
    this.codec = codec;
  }

  /**
   * Subscribes, then starts every log at the masters' clock now (less a second for clocks that
   * differ): this node holds no copies yet, so older events are harmless to read again, and newer
   * ones are all read. Event numbers are learnt from the first event read of each log.
   */
  @Override
  void start() {
    StatefulRedisClusterPubSubConnection<String, byte[]> sub = client.connectPubSub(codec);
    this.wakeUps = sub;
    sub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, byte[] message) {
            woke(message);
          }
        });
    sub.sync().subscribe(WAKE);
    StatefulRedisClusterConnection<String, byte[]> conn = client.connect(codec);
    this.connection = conn;
    long now = Long.MAX_VALUE;
    for (RedisClusterNode n : conn.getPartitions()) {
      if (n.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        List<byte[]> time = conn.getConnection(n.getNodeId()).sync().time();
        now = Math.min(now, Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)));
      }
    }
    String start = (now == Long.MAX_VALUE ? 0 : (now - 1) * 1000) + "-0";
    for (int i = 0; i < cursors.length; i++) {
      cursors[i] = new Cursor(start, -1);
    }
    live = true;
    thread.start();
  }

  /** A wake-up: marks its slots to be read. */
  private void woke(byte[] message) {
    String text = new String(message, StandardCharsets.US_ASCII);
    lock.lock();
    try {
      for (String slot : text.split(",", -1)) {
        try {
          int s = Integer.parseInt(slot);
          if (s >= 0 && s < SlotHash.SLOT_COUNT) {
            dirty.set(s);
          }
        } catch (NumberFormatException e) {
          missedWakeUps = true; // not ours: read everything
        }
      }
      woken.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  void run() {
    boolean resync = false;
    long backoffMillis = 10;
    long nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
    while (!closed) {
      try {
        StatefulRedisClusterConnection<String, byte[]> conn = connection;
        if (conn == null) {
          return;
        }
        RedisAdvancedClusterAsyncCommands<String, byte[]> async = conn.async();
        if (resync) {
          // A master may have failed over to a replica that lacks its last writes, and with them
          // events this node has not read yet (its own among them: its copies of those writes
          // would be newer than the cluster now): no counter shows those, so every copy goes.
          lost(0);
          sweep(async, true, true);
          resync = false;
          resumed();
          nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        }
        BitSet slots;
        boolean sweepNow;
        lock.lock();
        try {
          long wait = nextSweep - System.nanoTime();
          if (dirty.isEmpty() && !missedWakeUps && wait > 0) {
            woken.awaitNanos(wait);
          }
          slots = (BitSet) dirty.clone();
          dirty.clear();
          sweepNow = missedWakeUps || System.nanoTime() - nextSweep >= 0;
          missedWakeUps = false;
        } finally {
          lock.unlock();
        }
        StatefulRedisClusterPubSubConnection<String, byte[]> sub = wakeUps;
        if (sub == null || !sub.isOpen()) {
          throw new IllegalStateException("the wake-up subscription is down");
        }
        if (sweepNow) {
          sweep(async, false, false);
          nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        } else if (!slots.isEmpty()) {
          read(async, slots, false);
        }
        backoffMillis = 10;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        LOG.debug("reading the invalidation logs failed; will resync", e);
        backoffMillis = failed(backoffMillis);
        if (backoffMillis < 0) {
          return;
        }
        resync = true;
      }
    }
  }

  /** Reads every slot's log; with {@code counters}, first checks every slot's counter. */
  private void sweep(
      RedisAdvancedClusterAsyncCommands<String, byte[]> async, boolean counters, boolean replaying)
      throws InterruptedException {
    BitSet all = new BitSet(SlotHash.SLOT_COUNT);
    all.set(0, SlotHash.SLOT_COUNT);
    if (counters) {
      checkCounters(async);
    }
    read(async, all, replaying);
  }

  private void checkCounters(RedisAdvancedClusterAsyncCommands<String, byte[]> async)
      throws InterruptedException {
    for (int from = 0; from < SlotHash.SLOT_COUNT; from += SWEEP_WINDOW) {
      int to = Math.min(SlotHash.SLOT_COUNT, from + SWEEP_WINDOW);
      List<RedisFuture<byte[]>> replies = new ArrayList<>(to - from);
      for (int s = from; s < to; s++) {
        replies.add(async.hget(RedisKeys.sequence(RedisKeys.slotTag(s)), RedisKeys.SEQUENCE_FIELD));
      }
      for (int s = from; s < to; s++) {
        checkCounter(cursors[s], number(await(replies.get(s - from))));
      }
    }
  }

  /** Reads the logs of the given slots to their end, {@link #SWEEP_WINDOW} XREADs at a time. */
  private void read(
      RedisAdvancedClusterAsyncCommands<String, byte[]> async, BitSet slots, boolean replaying)
      throws InterruptedException {
    BitSet left = slots;
    while (!left.isEmpty()) {
      BitSet more = new BitSet(SlotHash.SLOT_COUNT);
      int s = left.nextSetBit(0);
      while (s >= 0) {
        List<Integer> batch = new ArrayList<>(SWEEP_WINDOW);
        List<RedisFuture<List<StreamMessage<String, byte[]>>>> replies =
            new ArrayList<>(SWEEP_WINDOW);
        for (; s >= 0 && batch.size() < SWEEP_WINDOW; s = left.nextSetBit(s + 1)) {
          batch.add(s);
          replies.add(
              async.xread(
                  XReadArgs.Builder.count(PAGE),
                  after(RedisKeys.log(RedisKeys.slotTag(s)), cursors[s].lastId)));
        }
        for (int i = 0; i < batch.size(); i++) {
          List<StreamMessage<String, byte[]>> messages = await(replies.get(i));
          Cursor c = cursors[batch.get(i)];
          for (StreamMessage<String, byte[]> m : messages) {
            handle(c, m, replaying);
          }
          if (messages.size() == PAGE) {
            more.set(batch.get(i)); // more to read
          }
        }
      }
      left = more;
    }
  }

  private <T> T await(RedisFuture<T> f) throws InterruptedException {
    try {
      return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("reading the invalidation logs failed", e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("reading the invalidation logs timed out", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    live = false;
    thread.interrupt();
    boolean io = Threads.onIoThread();
    for (io.lettuce.core.api.StatefulConnection<?, ?> c :
        new io.lettuce.core.api.StatefulConnection<?, ?>[] {connection, wakeUps}) {
      if (c == null) {
        continue;
      }
      if (io) {
        Futures.bestEffort(c.closeAsync(), "closing the invalidation connection");
      } else {
        c.close();
      }
    }
    if (!io) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
