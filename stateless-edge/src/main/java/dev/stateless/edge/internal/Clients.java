package dev.stateless.edge.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** The node's connections: ids, the {@code maxclients} count, and lookups for {@code CLIENT}. */
public final class Clients {
  private final int maxClients;
  private final AtomicLong nextId = new AtomicLong(1);
  private final AtomicInteger connected = new AtomicInteger();
  private final Map<Long, Client> byId = new ConcurrentHashMap<>();

  /**
   * @param maxClients the most connections at once
   */
  public Clients(int maxClients) {
    this.maxClients = maxClients;
  }

  /** A fresh connection id. */
  long nextId() {
    return nextId.getAndIncrement();
  }

  /** Admits a connection, or returns false when {@code maxclients} are already connected. */
  boolean tryAdd(Client client) {
    while (true) {
      int n = connected.get();
      if (n >= maxClients) {
        return false;
      }
      if (connected.compareAndSet(n, n + 1)) {
        byId.put(client.id(), client);
        return true;
      }
    }
  }

  /** Forgets a connection admitted by {@link #tryAdd}. */
  void remove(Client client) {
    if (byId.remove(client.id()) != null) {
      connected.decrementAndGet();
    }
  }

  /** The number of connections. */
  public int connected() {
    return connected.get();
  }

  /** The {@code maxclients} setting. */
  public int maxClients() {
    return maxClients;
  }

  @Nullable Client byId(long id) {
    return byId.get(id);
  }

  /** Every connection, by id. */
  List<Client> all() {
    List<Client> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparingLong(Client::id));
    return all;
  }
}
