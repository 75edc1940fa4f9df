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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the invalidation streams of one Redis store on a thread of its own and tells the cache what
 * other nodes wrote. Events are numbered per owner; a number that skips (the stream was trimmed
 * while this node was away) or goes back (Redis restarted), or, after a reconnect, a last event
 * read that is no longer there (a failover's new master lacks it), means events were lost, and the
 * listener drops that owner's copies. While the connection is down the store is not {@link
 * #live()}: copies of its data are not served, because nothing proves them fresh.
 */
public final class StreamInvalidations implements AutoCloseable {

  private static final class Cursor {
    String lastId = "0-0";
    long lastSeq;

    /** The fields of the event at {@link #lastId}; null at the start of the stream. */
    @Nullable Map<String, byte[]> lastBody;

    void reset() {
      lastId = "0-0";
      lastSeq = 0;
      lastBody = null;
    }

    void read(StreamMessage<String, byte[]> m) {
      lastId = m.getId();
      lastBody = m.getBody();
    }
  }

  private final RedisClient client;
  private final RedisCodec<String, byte[]> codec;
  private final String nodeId;
  private final InvalidationListener listener;
  private final Duration timeout;

  /** Each stream read and its owner; null: the keys nobody owns. */
  private final Map<String, @Nullable String> ownerByStream = new LinkedHashMap<>();

  private final Map<String, Cursor> cursors = new HashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean live;
  private @Nullable StatefulRedisConnection<String, byte[]> connection; // null until start()

  public StreamInvalidations(
      String store,
      RedisClient client,
      RedisCodec<String, byte[]> codec,
      String nodeId,
      List<String> owners,
      InvalidationListener listener,
      Duration timeout) {
    this.client = client;
    this.codec = codec;
    this.nodeId = nodeId;
    this.listener = listener;
    this.timeout = timeout;
    for (String owner : owners) {
      ownerByStream.put(RedisKeys.stream(owner), owner);
    }
    ownerByStream.put(RedisKeys.stream(null), null);
    this.thread = new Thread(this::run, "stateless-invalidations-" + store);
    thread.setDaemon(true);
  }

  /** Connects and reads where the streams end now (this node holds no copies yet), then starts. */
  public void start() {
    connection = client.connect(codec);
    RedisCommands<String, byte[]> sync = connection.sync();
    for (String stream : ownerByStream.keySet()) {
      Cursor c = new Cursor();
      List<StreamMessage<String, byte[]>> last =
          sync.xrevrange(stream, Range.create("-", "+"), Limit.from(1));
      if (!last.isEmpty()) {
        c.read(last.get(0));
      }
      // This node holds no copies yet, so nothing can be stale: start at the counter. The first
      // event read is then numbered next, or a gap shows (and drops nothing yet held).
      c.lastSeq = number(sync.hget(RedisKeys.SEQUENCES, stream));
      cursors.put(stream, c);
    }
    live = true;
    thread.start();
  }

  public boolean live() {
    return live;
  }

  private void run() {
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
          listener.onResumed(); // before live: a fill read while down must not install after
          live = true;
        }
        checkCounters(sync);
        List<StreamMessage<String, byte[]>> messages =
            sync.xread(XReadArgs.Builder.block(blockMillis).count(1000), offsets());
        for (StreamMessage<String, byte[]> m : messages) {
          handle(m, false);
        }
        backoffMillis = 10;
      } catch (RuntimeException | Error e) {
        // Anything, not only Redis failures: a reader that died quietly would leave copies
        // trusted with no one applying invalidations.
        if (closed) {
          live = false;
          return;
        }
        if (live) {
          live = false;
          listener.onInterrupted();
        }
        resync = true;
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMillis = Math.min(1000, backoffMillis * 2);
      }
    }
  }

  /**
   * After a reconnect, before copies are trusted again: checks the counters (a restart shows as a
   * counter below what this node saw) and the history, and replays every event written while it was
   * away.
   */
  private void catchUp(RedisCommands<String, byte[]> sync) {
    checkCounters(sync);
    checkHistory(sync);
    List<StreamMessage<String, byte[]>> messages;
    do {
      messages = sync.xread(XReadArgs.Builder.count(1000), offsets());
      for (StreamMessage<String, byte[]> m : messages) {
        handle(m, true);
      }
    } while (!messages.isEmpty());
  }

  /** A counter below what this node has seen means Redis lost its data (restart, flush). */
  private void checkCounters(RedisCommands<String, byte[]> sync) {
    Map<String, byte[]> counters = sync.hgetall(RedisKeys.SEQUENCES);
    for (Map.Entry<String, Cursor> e : cursors.entrySet()) {
      byte[] v = counters.get(e.getKey());
      long current;
      try {
        current = v == null ? 0 : Long.parseLong(text(v));
      } catch (NumberFormatException bad) {
        current = 0; // overwritten by someone else: treat as lost
      }
      Cursor c = e.getValue();
      if (current < c.lastSeq) {
        c.reset();
        listener.onLost(ownerByStream.get(e.getKey()), 0);
      }
    }
  }

  /**
   * The event read last must still be there, the same: a replica promoted after a failover lacks
   * the last events the old master acknowledged if they had not reached it (replication is
   * asynchronous), and numbers its own from where it was, so its counter may pass this node's again
   * and the numbering of the next event read go on as if nothing was lost, while the events written
   * between lie before the position this node reads from. A trimmed stream shows the same way:
   * events may have been lost with it.
   */
  private void checkHistory(RedisCommands<String, byte[]> sync) {
    for (Map.Entry<String, Cursor> e : cursors.entrySet()) {
      Cursor c = e.getValue();
      Map<String, byte[]> expected = c.lastBody;
      if (expected == null) {
        continue; // reading from the start of the stream: nothing to compare
      }
      List<StreamMessage<String, byte[]>> there =
          sync.xrange(e.getKey(), Range.create(c.lastId, c.lastId));
      if (there.isEmpty() || !sameFields(there.get(0).getBody(), expected)) {
        c.reset();
        listener.onLost(ownerByStream.get(e.getKey()), 0);
      }
    }
  }

  private static boolean sameFields(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private XReadArgs.StreamOffset<String>[] offsets() {
    List<XReadArgs.StreamOffset<String>> list = new ArrayList<>();
    for (Map.Entry<String, Cursor> e : cursors.entrySet()) {
      list.add(XReadArgs.StreamOffset.from(e.getKey(), e.getValue().lastId));
    }
    return list.toArray(new XReadArgs.StreamOffset[0]);
  }

  private void handle(StreamMessage<String, byte[]> m, boolean replaying) {
    // the streams read are those with a cursor
    Cursor c = Objects.requireNonNull(cursors.get(m.getStream()), "cursor");
    String owner = ownerByStream.get(m.getStream());
    InvalidationEvent event;
    try {
      event = InvalidationEvent.parse(owner, m.getBody());
    } catch (RuntimeException e) {
      // Not an event this code wrote: its key is unknown, so the owner's copies go.
      c.read(m);
      listener.onLost(owner, 1);
      return;
    }
    long seq = event.seq();
    if (seq != c.lastSeq + 1) {
      listener.onLost(owner, Math.max(0, seq - c.lastSeq - 1));
    }
    c.lastSeq = seq;
    c.read(m);
    if (replaying) {
      listener.onReplayed();
    }
    if (event.writtenBy(nodeId)) {
      return; // this node applied its own write already
    }
    try {
      switch (event.kind()) {
        // kind() is KEY only with a key, PATTERN only with a pattern
        case KEY -> listener.onKey(owner, Objects.requireNonNull(event.key(), "key"));
        case PATTERN ->
            listener.onPattern(owner, Objects.requireNonNull(event.pattern(), "pattern"));
        case UNKNOWN -> listener.onLost(owner, 1);
      }
    } catch (RuntimeException e) {
      listener.onLost(owner, 1); // the event is read; its effect could not be applied
    }
  }

  /** A counter's value; 0 when absent or not a number (someone else wrote it). */
  private static long number(byte[] counter) {
    try {
      return counter == null ? 0 : Long.parseLong(text(counter));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
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
