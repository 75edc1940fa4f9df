package dev.stateless.internal.redis;

import dev.stateless.internal.Futures;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.Threads;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the invalidation log of a standalone Redis (one shard, {@link RedisKeys#STANDALONE}; or the
 * master Sentinel names) on a thread of its own, with a blocking XREAD, and tells the cache what
 * other nodes wrote. Before each read it checks the log's counter, so a restart shows at once;
 * after a reconnect it also checks that the last event it read is still there, unchanged (a
 * failover's new master may lack it). While the connection is down the store is not {@link
 * #live()}: copies of its data are not served, because nothing proves them fresh.
 */
final class StreamInvalidations extends LogReader {

  private static final String LOG = RedisKeys.log(RedisKeys.STANDALONE);
  private static final String SEQUENCE = RedisKeys.sequence(RedisKeys.STANDALONE);

  private final RedisClient client;
  private final RedisCodec<String, byte[]> codec;
  private final Cursor cursor = new Cursor("0-0", 0);
  private @Nullable StatefulRedisConnection<String, byte[]> connection; // null until start()

  StreamInvalidations(
      String store,
      RedisClient client,
      RedisCodec<String, byte[]> codec,
      String nodeId,
      List<String> owners,
      InvalidationListener listener,
      Duration timeout) {
    super(store, nodeId, owners, listener, timeout);
    this.client = client;
    this.codec = codec;
  }

  @Override
  void start() {
    connection = client.connect(codec);
    RedisCommands<String, byte[]> sync = connection.sync();
    List<StreamMessage<String, byte[]>> last =
        sync.xrevrange(LOG, Range.create("-", "+"), Limit.from(1));
    if (!last.isEmpty()) {
      cursor.read(last.get(0));
    }
    // This node holds no copies yet, so nothing can be stale: start at the counter. The first
    // event read is then numbered next, or a gap shows (and drops nothing yet held).
    cursor.lastSeq = number(sync.hget(SEQUENCE, RedisKeys.SEQUENCE_FIELD));
    live = true;
    thread.start();
  }

  @Override
  void run() {
    boolean resync = false;
    long backoffMillis = 10;
    long blockMillis = Math.max(10, Math.min(1000, timeout.toMillis() / 2));
    // start() connects before it starts this thread
    StatefulRedisConnection<String, byte[]> connection =
        Objects.requireNonNull(this.connection, "connection");
    while (!closed) {
      try {
        RedisCommands<String, byte[]> sync = connection.sync();
        if (resync) {
          catchUp(sync);
          resync = false;
          resumed();
        }
        checkCounter(cursor, number(sync.hget(SEQUENCE, RedisKeys.SEQUENCE_FIELD)));
        List<StreamMessage<String, byte[]>> messages =
            sync.xread(XReadArgs.Builder.block(blockMillis).count(1000), after(LOG, cursor.lastId));
        for (StreamMessage<String, byte[]> m : messages) {
          handle(cursor, m, false);
        }
        backoffMillis = 10;
      } catch (RuntimeException | Error e) {
        backoffMillis = failed(backoffMillis);
        if (backoffMillis < 0) {
          return;
        }
        resync = true;
      }
    }
  }

  /**
   * After a reconnect, before copies are trusted again: checks the counter (a restart shows as a
   * counter below what this node saw) and replays every event written while it was away.
   */
  private void catchUp(RedisCommands<String, byte[]> sync) {
    checkCounter(cursor, number(sync.hget(SEQUENCE, RedisKeys.SEQUENCE_FIELD)));
    if (cursor.lastBody != null) {
      checkHistory(cursor, sync.xrange(LOG, Range.create(cursor.lastId, cursor.lastId)));
    }
    List<StreamMessage<String, byte[]>> messages;
    do {
      messages = sync.xread(XReadArgs.Builder.count(1000), after(LOG, cursor.lastId));
      for (StreamMessage<String, byte[]> m : messages) {
        handle(cursor, m, true);
      }
    } while (!messages.isEmpty());
  }

  @Override
  public void close() {
    closed = true;
    live = false;
    if (Threads.onIoThread()) {
      if (connection != null) {
        // waiting here would wait for this very thread
        Futures.bestEffort(connection.closeAsync(), "closing the stream connection");
      }
      return;
    }
    if (connection != null) {
      connection.close();
    }
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
