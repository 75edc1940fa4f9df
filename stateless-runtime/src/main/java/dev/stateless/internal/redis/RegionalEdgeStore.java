package dev.stateless.internal.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stateless.SetOptions;
import dev.stateless.core.KeyPattern;
import dev.stateless.internal.Copies;
import dev.stateless.internal.Errors;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.OfflineQueue;
import dev.stateless.internal.RemoteStore;
import dev.stateless.internal.Threads;
import dev.stateless.internal.TtlValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge layer of a cache in one region of several ({@code Stores.edge(region, nodes)}): an
 * {@link EdgeNodeStore} per edge node of every region, each connected and tracking, and calls sent
 * to one of them, the one {@link NearestNode} picks from their PINGs' round trips: the nearest live
 * node of this region, else the nearest live node of another region, back to this region's as soon
 * as one is live again.
 *
 * <p><b>Switching node.</b> Only the node in use tells the cache of changed keys (the others'
 * pushes are only remembered, key by key, for {@value #REMEMBERED_SECONDS} s). A switch, from a
 * node that failed or to a nearer one, drops every copy the client layer holds (they came from the
 * old node, whose pushes are no longer followed) and refuses the fills in flight, as a reconnect of
 * one node does; and every key the old node changed lately that the new node has not changed since
 * (it may not have applied the server's event yet) is invalidated as if written, before the switch:
 * the cache's reads of it skip the new node until it tells of the key ({@link Copies#caughtUp}),
 * and a read that reached the new node having missed the mark does not use what it read ({@code
 * Reads}: the mark is seen on its way back). Calls in flight on a node that fails get its SL100, as
 * with one node.
 *
 * <p>{@code @Layer(EDGE)} data lives on each node on its own (nodes do not replicate): after a
 * switch the new node's values are served, as documented in {@code docs/regions.md}.
 */
public final class RegionalEdgeStore implements RemoteStore {
  private static final Logger LOG = LoggerFactory.getLogger(RegionalEdgeStore.class);

  /** How often the chooser looks at the nodes' health and round trips. */
  static final long CHOOSE_MILLIS = 250;

  /** How long a node's push of a key is remembered: as long as the cache's "behind" marks last. */
  static final int REMEMBERED_SECONDS = Copies.BEHIND_SECONDS;

  private static final long MAX_REMEMBERED_KEYS = 100_000;

  private final List<Node> nodes;
  private final String description;
  private final ScheduledExecutorService chooser;

  private @Nullable InvalidationListener listener;
  private List<String> owners = List.of();

  /** The node in use. */
  private volatile int current = -1;

  /** The node left by a switch under way, whose pushes are still followed until it is done. */
  private volatile int previous = -1;

  private volatile boolean closing;

  private final java.util.concurrent.atomic.AtomicBoolean choosePending =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The chooser's schedule; null until connect. */
  private volatile java.util.concurrent.@Nullable ScheduledFuture<?> choosing;

  /** One node: its store, its region, and the keys it pushed lately, with when. */
  private static final class Node {
    final EdgeNodeStore store;
    final String region;
    final boolean home;
    final Cache<String, Long> pushed =
        Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(REMEMBERED_SECONDS))
            .maximumSize(MAX_REMEMBERED_KEYS)
            .build();

    Node(EdgeNodeStore store, String region, boolean home) {
      this.store = store;
      this.region = region;
      this.home = home;
    }
  }

  /**
   * A store for {@code region}, with the node URIs of every region ({@code region} among them).
   *
   * @throws dev.stateless.core.StatelessException SL012 if the region is not among the regions, a
   *     region has no node, a URI is malformed, or one names a node twice
   */
  public RegionalEdgeStore(String region, Map<String, List<String>> regions) {
    if (!regions.containsKey(region)) {
      throw Errors.regionUnknown(region, regions.keySet());
    }
    Map<String, String> seen = new LinkedHashMap<>();
    List<Node> all = new ArrayList<>();
    // this region's nodes first: ties of the chooser go to them
    List<String> order = new ArrayList<>(regions.keySet());
    order.remove(region);
    order.add(0, region);
    for (String r : order) {
      List<String> uris = regions.get(r);
      if (uris == null || uris.isEmpty()) {
        throw Errors.regionWithoutNodes(r);
      }
      for (String uri : uris) {
        EdgeNodeStore store;
        try {
          store = new EdgeNodeStore(uri);
        } catch (IllegalArgumentException e) {
          all.forEach(n -> n.store.close());
          throw Errors.regionNodeMalformed(r, e);
        }
        String other = seen.putIfAbsent(store.describe(), r);
        if (other != null) {
          store.close();
          all.forEach(n -> n.store.close());
          throw Errors.regionNodeTwice(store.describe(), other, r);
        }
        all.add(new Node(store, r, r.equals(region)));
      }
    }
    this.nodes = List.copyOf(all);
    this.description =
        "edge nodes of region "
            + region
            + " ("
            + nodes.stream().filter(n -> n.home).count()
            + " of "
            + nodes.size()
            + " in "
            + regions.size()
            + " regions)";
    this.chooser = Executors.newSingleThreadScheduledExecutor(Threads.named("stateless-region"));
  }

  @Override
  public String describe() {
    Node n = node();
    return description + ", using " + n.store.describe();
  }

  @Override
  public boolean queuesWrites() {
    return false;
  }

  @Override
  public boolean connect(
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners,
      Set<String> streamingOwners,
      boolean mayStartDown) {
    this.listener = listener;
    this.owners = List.copyOf(owners);
    boolean any = false;
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      InvalidationListener l = listener == null ? null : new NodeListener(i, listener);
      any |= n.store.connect(nodeId, l, owners, streamingOwners, true);
    }
    if (!any && !mayStartDown) {
      Throwable why = nodes.get(0).store.lastFailure();
      close();
      throw Errors.unreachable(description, why);
    }
    current = NearestNode.choose(-1, candidates());
    if (current < 0) {
      current = 0; // none live: calls fail with its SL100 until the chooser finds one
    }
    choosing =
        chooser.scheduleWithFixedDelay(
            this::choose, CHOOSE_MILLIS, CHOOSE_MILLIS, TimeUnit.MILLISECONDS);
    return any;
  }

  private List<NearestNode.Candidate> candidates() {
    List<NearestNode.Candidate> out = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      out.add(new NearestNode.Candidate(n.home, n.store.live(), n.store.rttNanos()));
    }
    return out;
  }

  /** On the chooser's thread: switches to the node {@link NearestNode} picks, if another. */
  private void choose() {
    if (closing) {
      return;
    }
    try {
      int was = current;
      int next = NearestNode.choose(was, candidates());
      if (next != was && next >= 0) {
        switchTo(was, next);
      }
    } catch (RuntimeException e) {
      LOG.warn("choosing the edge node of {} failed; trying again", description, e); // stay alive
    }
  }

  /** Asks for a choice now (a node in use failed), once however many calls ask meanwhile. */
  private void chooseSoon() {
    if (!choosePending.compareAndSet(false, true)) {
      return;
    }
    try {
      chooser.execute(
          () -> {
            choosePending.set(false);
            choose();
          });
    } catch (RejectedExecutionException closed) {
      choosePending.set(false); // closing
    }
  }

  private void switchTo(int was, int next) {
    Node to = nodes.get(next);
    Node from = was < 0 ? null : nodes.get(was);
    Set<String> doubtful = new java.util.HashSet<>();
    if (from != null) {
      for (Map.Entry<String, Long> e : from.pushed.asMap().entrySet()) {
        Long since = to.pushed.getIfPresent(e.getKey());
        if (since == null || since < e.getValue()) {
          doubtful.add(e.getKey());
        }
      }
    }
    InvalidationListener l = listener;
    previous = was; // its pushes are followed until the copies it vouched for are gone
    try {
      if (l != null) {
        // Before the switch: a read that reaches the new node and missed these marks is sent
        // on to the owner's layer when it sees them on its way back (Reads.loadFrom).
        for (String key : doubtful) {
          l.onKey(null, key); // read past the new node until it tells of the key
        }
      }
      current = next;
      if (l != null) {
        l.onInterrupted(); // no fill read from the old node before now installs its copy
        for (String owner : owners) {
          l.onLost(owner, 1);
        }
        l.onLost(null, 1);
        l.onResumed();
      }
    } finally {
      previous = -1;
    }
    LOG.info(
        "{}: now using {} (region {}){}",
        description,
        to.store.describe(),
        to.region,
        from == null ? "" : ", was " + from.store.describe());
  }

  /** The node in use; a failed one is left on the chooser's next look. */
  private Node node() {
    int i = current;
    Node n = nodes.get(Math.max(i, 0));
    if (i >= 0 && !n.store.live()) {
      chooseSoon();
    }
    return n;
  }

  /** Tells the cache what the node in use says; remembers what every node says. */
  private final class NodeListener implements InvalidationListener {
    private final int index;
    private final InvalidationListener cache;

    NodeListener(int index, InvalidationListener cache) {
      this.index = index;
      this.cache = cache;
    }

    private boolean followed() {
      return index == current || index == previous;
    }

    @Override
    public void onKey(@Nullable String owner, String key) {
      remember(key);
      if (followed()) {
        cache.onKey(owner, key);
      }
    }

    @Override
    public void onCopyHolderKey(String key) {
      remember(key);
      if (followed()) {
        cache.onCopyHolderKey(key);
      }
    }

    private void remember(String key) {
      nodes.get(index).pushed.put(key, System.nanoTime());
    }

    @Override
    public void onPattern(@Nullable String owner, String pattern) {
      if (followed()) {
        cache.onPattern(owner, pattern);
      }
    }

    @Override
    public void onLost(@Nullable String owner, long missed) {
      if (followed()) {
        cache.onLost(owner, missed);
      }
    }

    @Override
    public void onReplayed() {
      if (followed()) {
        cache.onReplayed();
      }
    }

    @Override
    public void onInterrupted() {
      if (followed()) {
        cache.onInterrupted();
        chooseSoon(); // the node in use failed: the next one now
      }
    }

    @Override
    public void onResumed() {
      if (followed()) {
        cache.onResumed();
      }
    }
  }

  @Override
  public boolean connected() {
    for (Node n : nodes) {
      if (n.store.connected()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean reachable() {
    return node().store.reachable();
  }

  @Override
  public boolean live() {
    return node().store.live();
  }

  @Override
  public boolean publishes() {
    return false;
  }

  @Override
  public Duration timeout() {
    return node().store.timeout();
  }

  @Override
  public long maxValueBytes() {
    return node().store.maxValueBytes();
  }

  @Override
  public void checkFits(String key, long valueBytes) {
    node().store.checkFits(key, valueBytes);
  }

  @Override
  public RuntimeException failure(@Nullable Throwable failure) {
    return node().store.failure(failure);
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    return node().store.get(key);
  }

  @Override
  public CompletableFuture<byte[]> getStreamed(String key) {
    return node().store.getStreamed(key);
  }

  @Override
  public CompletableFuture<TtlValue> getWithTtl(String key, @Nullable String owner) {
    return node().store.getWithTtl(key, owner);
  }

  @Override
  public CompletableFuture<List<TtlValue>> getAllWithTtl(List<String> keys) {
    return node().store.getAllWithTtl(keys);
  }

  @Override
  public CompletableFuture<Long> set(
      String key, @Nullable String owner, byte[] value, long px, SetOptions.Condition condition) {
    return node().store.set(key, owner, value, px, condition);
  }

  @Override
  public CompletableFuture<Boolean> del(String key, @Nullable String owner) {
    return node().store.del(key, owner);
  }

  @Override
  public CompletableFuture<Boolean> delStreamed(String key, @Nullable String owner) {
    return node().store.delStreamed(key, owner);
  }

  @Override
  public CompletableFuture<Boolean> expire(String key, @Nullable String owner, long millis) {
    return node().store.expire(key, owner, millis);
  }

  @Override
  public CompletableFuture<Long> incrBy(
      String key, @Nullable String owner, long delta, long min, long max) {
    return node().store.incrBy(key, owner, delta, min, max);
  }

  @Override
  public CompletableFuture<Long> pttl(String key) {
    return node().store.pttl(key);
  }

  @Override
  public CompletableFuture<List<Object>> compareAndSet(
      String key,
      @Nullable String owner,
      @Nullable String token,
      byte @Nullable [] expected,
      byte @Nullable [] value,
      long px,
      boolean keepTtl) {
    return node().store.compareAndSet(key, owner, token, expected, value, px, keepTtl);
  }

  @Override
  public CompletableFuture<List<Object>> lock(String key, String token, long millis) {
    return node().store.lock(key, token, millis);
  }

  @Override
  public CompletableFuture<Long> unlock(String key, String token) {
    return node().store.unlock(key, token);
  }

  @Override
  public CompletableFuture<Long> batch(
      List<String> keys, List<String> owners, List<byte[]> values, long[] px) {
    return node().store.batch(keys, owners, values, px);
  }

  @Override
  public CompletableFuture<List<Object>> applyQueued(
      OfflineQueue.QueuedWrite write, String queueId, long prev) {
    return node().store.applyQueued(write, queueId, prev);
  }

  @Override
  public CompletableFuture<Long> forgetQueuedConflict(String key, String queueId, long seq) {
    return node().store.forgetQueuedConflict(key, queueId, seq);
  }

  @Override
  public String shard(String key) {
    return RedisKeys.STANDALONE;
  }

  @Override
  public CompletableFuture<Long> deleteMatching(
      @Nullable String owner, KeyPattern pattern, @Nullable String except) {
    return node().store.deleteMatching(owner, pattern, except);
  }

  @Override
  public CompletableFuture<Long> publishPattern(@Nullable String owner, String pattern) {
    return node().store.publishPattern(owner, pattern);
  }

  @Override
  public CompletableFuture<Void> scan(String glob, Consumer<List<String>> batch) {
    return node().store.scan(glob, batch);
  }

  @Override
  public void scanPages(String glob, int count, Predicate<List<String>> page) {
    node().store.scanPages(glob, count, page);
  }

  @Override
  public CompletableFuture<String> setChunk(
      String key, String version, int index, byte[] bytes, long leaseMillis) {
    return node().store.setChunk(key, version, index, bytes, leaseMillis);
  }

  @Override
  public CompletableFuture<byte[]> getChunk(String key, String version, int index) {
    return node().store.getChunk(key, version, index);
  }

  @Override
  public CompletableFuture<Long> renewChunks(
      String key, String version, int first, int last, long leaseMillis) {
    return node().store.renewChunks(key, version, first, last, leaseMillis);
  }

  @Override
  public CompletableFuture<Long> unlinkChunks(String key, String version, int count) {
    return node().store.unlinkChunks(key, version, count);
  }

  @Override
  public CompletableFuture<Long> swapStream(
      String key, @Nullable String owner, byte[] pointer, long px, String version, int count) {
    return node().store.swapStream(key, owner, pointer, px, version, count);
  }

  @Override
  public void close() {
    closing = true;
    java.util.concurrent.ScheduledFuture<?> c = choosing;
    if (c != null) {
      c.cancel(false);
    }
    chooser.shutdownNow();
    for (Node n : nodes) {
      n.store.close();
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
