package dev.stateless.internal.redis;

import dev.stateless.internal.InvalidationListener;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the readers of the invalidation logs share ({@link StreamInvalidations} for one Redis,
 * {@link ClusterInvalidations} for Redis Cluster): where each log was read up to, and what one
 * event means for the cache. Events are numbered per log; a number that skips (the log was trimmed
 * while this node was away) or goes back (Redis lost data) means events were lost, and every
 * owner's copies are dropped (a log holds the events of every owner of its shard).
 */
abstract class LogReader implements AutoCloseable {

  /** Where one log was read up to. */
  static final class Cursor {
    /** The id of the last entry read. */
    String lastId;

    /** The number of the last event read; -1 until one is (the first then only sets it). */
    long lastSeq;

    /** The fields of the entry at {@link #lastId}; null at the start of the log. */
    @Nullable Map<String, byte[]> lastBody;

    Cursor(String lastId, long lastSeq) {
      this.lastId = lastId;
      this.lastSeq = lastSeq;
    }

    void read(StreamMessage<String, byte[]> m) {
      lastId = m.getId();
      lastBody = m.getBody();
    }

    void reset(long seq) {
      lastId = "0-0";
      lastSeq = seq;
      lastBody = null;
    }
  }

  final String nodeId;
  final InvalidationListener listener;
  final Duration timeout;

  /** Reads the logs: {@link #run}. */
  final Thread thread;

  volatile boolean closed;
  volatile boolean live;

  /** Every owner whose copies a lost event may have left stale; null: the keys nobody owns. */
  private final List<@Nullable String> owners;

  LogReader(
      String store,
      String nodeId,
      List<String> owners,
      InvalidationListener listener,
      Duration timeout) {
    this.nodeId = nodeId;
    this.listener = listener;
    this.timeout = timeout;
    this.thread = new Thread(this::run, "stateless-invalidations-" + store);
    thread.setDaemon(true);
    List<@Nullable String> all = new ArrayList<>(owners);
    all.add(null);
    this.owners = all;
  }

  /** Whether the logs are read without a gap right now: copies may be trusted. */
  final boolean live() {
    return live;
  }

  /** The reading loop, on {@link #thread}, until closed. */
  abstract void run();

  /**
   * After anything went wrong in the loop (not only Redis failures: a reader that died quietly
   * would leave copies trusted with no one applying invalidations): copies are not trusted until
   * the logs are read again; waits {@code backoffMillis}. Returns the next backoff, or -1 when the
   * reader is closing.
   */
  final long failed(long backoffMillis) {
    if (closed) {
      live = false;
      return -1;
    }
    if (live) {
      live = false;
      listener.onInterrupted();
    }
    try {
      Thread.sleep(backoffMillis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return -1;
    }
    return Math.min(1000, backoffMillis * 2);
  }

  /** The logs are read again, what was missed applied: copies may be trusted. */
  final void resumed() {
    listener.onResumed(); // before live: a fill read while down must not install after
    live = true;
  }

  /** Connects, reads where the logs end now (this node holds no copies yet), then starts. */
  abstract void start();

  @Override
  public abstract void close();

  /** Events were lost ({@code missed} of them, or an unknown number): every copy goes. */
  final void lost(long missed) {
    for (String owner : owners) {
      listener.onLost(owner, missed);
    }
  }

  /**
   * A log's counter now: below what this node has read means Redis lost its data (a restart, a
   * flush, a failover to a replica that had not received them), and every copy goes.
   */
  final void checkCounter(Cursor c, long current) {
    if (current < c.lastSeq) {
      c.reset(current);
      lost(0);
    }
  }

  /**
   * After a reconnect: the entry read last ({@code there}: the log's entry at its id, if any) must
   * still be there, the same. A replica promoted after a failover lacks the last events the old
   * master acknowledged if they had not reached it (replication is asynchronous), and numbers its
   * own from where it was, so its counter may pass this node's again and the next event's number
   * follow on as if nothing was lost, while the events written between lie before the position this
   * node reads from. A trimmed log shows the same way: events may have been lost with it.
   */
  final void checkHistory(Cursor c, List<StreamMessage<String, byte[]>> there) {
    Map<String, byte[]> expected = c.lastBody;
    if (expected != null && (there.isEmpty() || !sameFields(there.get(0).getBody(), expected))) {
      c.reset(c.lastSeq);
      lost(0);
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

  /** Applies one log entry: its key's or pattern's copies go, unless this node wrote it. */
  final void handle(Cursor c, StreamMessage<String, byte[]> m, boolean replaying) {
    InvalidationEvent event;
    try {
      event = InvalidationEvent.parse(m.getBody());
    } catch (RuntimeException e) {
      // Not an event this code wrote: its key is unknown, so every copy goes.
      c.read(m);
      lost(1);
      return;
    }
    long seq = event.seq();
    if (c.lastSeq >= 0 && seq != c.lastSeq + 1) {
      lost(Math.max(0, seq - c.lastSeq - 1));
    }
    c.lastSeq = seq;
    c.read(m);
    if (replaying) {
      listener.onReplayed();
    }
    if (event.writtenBy(nodeId)) {
      return; // this node applied its own write already
    }
    String owner = event.owner();
    try {
      switch (event.kind()) {
        // kind() is KEY only with a key, PATTERN only with a pattern
        case KEY -> listener.onKey(owner, Objects.requireNonNull(event.key(), "key"));
        case PATTERN ->
            listener.onPattern(owner, Objects.requireNonNull(event.pattern(), "pattern"));
        case KEYS -> {
          for (InvalidationEvent.Written w : event.written()) {
            listener.onKey(w.owner(), w.key());
          }
        }
        case UNKNOWN -> lost(1);
      }
      if (event.kind() != InvalidationEvent.Kind.UNKNOWN) {
        listener.applied(writtenMillis(m.getId()));
      }
    } catch (RuntimeException e) {
      lost(1); // the event is read; its effect could not be applied
    }
  }

  /**
   * The milliseconds of a stream entry's id ({@code <ms>-<seq>}, the Redis server's clock when it
   * appended the entry); 0 when the id is not of that form.
   */
  static long writtenMillis(String id) {
    int dash = id.indexOf('-');
    try {
      return dash > 0 ? Long.parseLong(id, 0, dash, 10) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The argument of an XREAD of one log after {@code id}. */
  @SuppressWarnings({"unchecked", "rawtypes"}) // one offset: the varargs array is never stored
  static XReadArgs.StreamOffset<String>[] after(String log, String id) {
    return new XReadArgs.StreamOffset[] {XReadArgs.StreamOffset.from(log, id)};
  }

  /** A counter's value; 0 when absent or not a number (someone else wrote it). */
  static long number(byte @Nullable [] counter) {
    try {
      return counter == null ? 0 : Long.parseLong(new String(counter, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
