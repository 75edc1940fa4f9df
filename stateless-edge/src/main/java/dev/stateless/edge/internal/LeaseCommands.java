package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.NO_MULTI;
import static dev.stateless.edge.internal.CommandFlag.WRITE;
import static dev.stateless.edge.internal.KeyCommands.bulkOrNull;
import static dev.stateless.edge.internal.KeyCommands.key;

import dev.stateless.SetOptions;
import dev.stateless.core.Operation;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The commands an SDK node's {@code atomicUpdate} needs from a node it uses as its edge layer
 * ({@code Stores.edge}), which Redis gets as Lua scripts: a lease on a key, so that a node that
 * keeps losing the race is served next instead of starving, and a compare-and-set that honours it.
 * Named as a module's commands are ({@code STATELESS.*}); any client may send them, with the rights
 * its user has on the key.
 *
 * <ul>
 *   <li>{@code STATELESS.LOCK key token px}: takes the key's lease for {@code px} ms if it is free,
 *       expired or already {@code token}'s: {@code [1, value]} (the value, or nil), else {@code
 *       [0]}.
 *   <li>{@code STATELESS.UNLOCK key token}: releases the lease if {@code token} holds it: 1, else
 *       0.
 *   <li>{@code STATELESS.CAS key token = expected|- "" s value|d "" px k|r}: writes {@code value}
 *       ({@code s}) or deletes the key ({@code d}) only if it holds {@code expected} ({@code =};
 *       {@code -}: absent) and no other token's lease is held; then releases {@code token}'s lease.
 *       {@code [1]}, or {@code [0, value]}. The value takes {@code px} ms to live (0: none) unless
 *       {@code k} keeps the key's expiry. One edit of the key ({@link KeyEdit}), in the node's
 *       order of its writes.
 * </ul>
 *
 * Leases are this node's: they live in its memory, as the keys they guard do. Only a user that may
 * {@code atomicUpdate} the key takes one, for at most {@value #MAX_LEASE_MILLIS} ms.
 */
final class LeaseCommands implements CommandSet {
  private final Keyspace keyspace;
  private static final int SWEEP_EVERY = 1024;

  /** The longest lease a client may take: an update that dies holds its key no longer. */
  static final long MAX_LEASE_MILLIS = 60_000;

  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
  private final AtomicLong taken = new AtomicLong();

  @SuppressWarnings("ArrayRecordComponent") // compared by content below, never as a record
  private record Lease(byte[] token, long until) {}

  LeaseCommands(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table.add(
        KeyCommands.spec(
                "stateless.lock",
                4,
                "string",
                "0.1.0",
                "Takes a key's lease for an atomic update; returns its value.",
                WRITE,
                FAST,
                NO_MULTI)
            .command(this::lock));
    table.add(
        KeyCommands.spec(
                "stateless.unlock",
                3,
                "string",
                "0.1.0",
                "Releases a key's lease.",
                WRITE,
                FAST,
                NO_MULTI)
            .command(
                (c, r) -> {
                  keyspace.view(c); // the user may use this node's keys at all
                  String key = key(r, 1);
                  byte[] token = r.arg(2);
                  boolean[] released = {false};
                  leases.computeIfPresent(
                      key,
                      (k, l) -> {
                        released[0] = Arrays.equals(l.token(), token);
                        return released[0] ? null : l;
                      });
                  return Reply.integer(released[0] ? 1 : 0);
                }));
    table.add(
        KeyCommands.spec(
                "stateless.cas",
                9,
                "string",
                "0.1.0",
                "Writes a key if it holds a value and no other lease is held.",
                WRITE,
                NO_MULTI)
            .command(this::cas));
  }

  private Reply lock(Client c, Request r) {
    String key = key(r, 1);
    keyspace.check(c, Operation.ATOMIC_UPDATE, key); // before a lease is taken: no rights, none
    byte[] token = r.arg(2);
    long px = Math.min(millis(r.arg(3)), MAX_LEASE_MILLIS);
    long now = keyspace.clock().millis();
    sweep(now);
    boolean[] taken = {false};
    leases.compute(
        key,
        (k, l) -> {
          if (l == null || l.until() <= now || Arrays.equals(l.token(), token)) {
            taken[0] = true;
            return new Lease(token.clone(), now + px);
          }
          return l;
        });
    if (!taken[0]) {
      return Reply.array(List.of(Reply.integer(0)));
    }
    return Reply.later(
        Keyspace.read(keyspace.view(c), key)
            .thenApply(v -> Reply.array(List.of(Reply.integer(1), bulkOrNull(v)))));
  }

  private Reply cas(Client c, Request r) {
    String key = key(r, 1);
    byte[] token = r.arg(2);
    boolean expectPresent = flag(r, 3, "=", "-");
    byte[] expected = r.arg(4);
    boolean write = flag(r, 5, "s", "d");
    byte[] value = r.arg(6);
    long px = millis(r.arg(7));
    boolean keepTtl = flag(r, 8, "k", "r");
    SetOptions ttl =
        keepTtl ? null : px > 0 ? SetOptions.ttl(Duration.ofMillis(px)) : SetOptions.none();
    return keyspace.run(
        c,
        new KeyEdit(
            key,
            ttl,
            old -> {
              Lease l = leases.get(key);
              boolean otherHolds =
                  l != null
                      && l.until() > keyspace.clock().millis()
                      && !Arrays.equals(l.token(), token);
              boolean matches =
                  expectPresent ? old != null && Arrays.equals(old, expected) : old == null;
              if (otherHolds || !matches) {
                return KeyEdit.Outcome.keep(
                    Reply.array(List.of(Reply.integer(0), bulkOrNull(old))));
              }
              if (l != null && Arrays.equals(l.token(), token)) {
                leases.remove(key, l); // this update's own lease: done with it
              }
              if (write && keepTtl && Arrays.equals(old, value)) {
                // as the Redis script: nothing written, no invalidation sent, the TTL kept
                return KeyEdit.Outcome.keep(Reply.array(List.of(Reply.integer(1))));
              }
              return KeyEdit.Outcome.write(
                  write ? value : null, Reply.array(List.of(Reply.integer(1))));
            }));
  }

  private static boolean flag(Request r, int index, String yes, String no) {
    String f = r.lower(index);
    if (f.equals(yes)) {
      return true;
    }
    if (f.equals(no)) {
      return false;
    }
    throw new ReplyException(ErrorReplies.SYNTAX);
  }

  private static long millis(byte[] arg) {
    long n = RedisNumbers.parseLong(arg);
    if (n == RedisNumbers.INVALID || n < 0) {
      throw new ReplyException(ErrorReplies.NOT_INTEGER);
    }
    return n;
  }

  /**
   * Forgets the leases that ran out, every {@value #SWEEP_EVERY} leases taken: an update that died
   * (or was answered and never unlocked) leaves one, for its key only.
   */
  private void sweep(long now) {
    if (taken.incrementAndGet() % SWEEP_EVERY == 0) {
      leases.values().removeIf(l -> l.until() <= now);
    }
  }
}
