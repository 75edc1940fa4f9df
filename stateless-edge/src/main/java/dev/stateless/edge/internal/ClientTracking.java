package dev.stateless.edge.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One connection's {@code CLIENT TRACKING} options while tracking is on, and the state that lives
 * with them: the {@code CLIENT CACHING} answer for the next command, a broken redirect, and (for
 * {@code NOLOOP}) the keys of the write command the connection is running. Immutable options; the
 * state is safe to read from any thread.
 */
final class ClientTracking {
  /** The node's tracking table these options feed. */
  private final Tracking table;

  /** The client to send invalidations to ({@code REDIRECT}), 0 for this connection. */
  final long redirect;

  final boolean bcast;
  final boolean optin;
  final boolean optout;
  final boolean noloop;

  /** BCAST's prefixes, as bytes (Latin-1 strings); {@code ""} for every key. */
  final List<String> prefixes;

  /** {@code CLIENT CACHING yes} (OPTIN) or {@code no} (OPTOUT) was sent for the next command. */
  volatile boolean caching;

  /** The redirect client was gone when an invalidation was due ({@code broken_redirect}). */
  volatile boolean brokenRedirect;

  /** NOLOOP: the keys the connection's write command in flight changes. */
  private final AtomicReference<@Nullable Set<String>> writing = new AtomicReference<>();

  ClientTracking(
      Tracking table,
      long redirect,
      boolean bcast,
      boolean optin,
      boolean optout,
      boolean noloop,
      List<String> prefixes) {
    this.table = table;
    this.redirect = redirect;
    this.bcast = bcast;
    this.optin = optin;
    this.optout = optout;
    this.noloop = noloop;
    this.prefixes = List.copyOf(prefixes);
  }

  /** Before each command of the connection ({@link Tracking#beforeCommand}). */
  void before(Client client, CommandSpec spec, Request request) {
    table.beforeCommand(this, client, spec, request);
  }

  /** After each command of the connection ({@link Tracking#afterCommand}). */
  void after(CommandSpec spec, Reply reply) {
    Tracking.afterCommand(this, spec, reply);
  }

  /** Whether a read now is remembered ({@code OPTIN}: only after {@code CLIENT CACHING yes}). */
  boolean tracksReads() {
    return !bcast && (optin ? caching : !optout || !caching);
  }

  /** NOLOOP: the keys a write command is about to change, until its reply is done. */
  void writing(Set<String> keys) {
    writing.set(keys);
  }

  /** The keys given to {@link #writing}, until the write is done. */
  @Nullable Set<String> writingNow() {
    return writing.get();
  }

  /** The write command whose keys were {@code keys} is done. */
  void written(Set<String> keys) {
    writing.compareAndSet(keys, null);
  }

  /** Whether a change of {@code key} is this connection's own write, under NOLOOP. */
  boolean ownWrite(String key) {
    if (!noloop) {
      return false;
    }
    Set<String> keys = writing.get();
    return keys != null && keys.contains(key);
  }
}
