package dev.stateless.edge.internal;

import java.util.concurrent.atomic.LongAdder;

/** The counters {@code INFO stats} shows, updated from every event loop. */
public final class NodeStats {
  final LongAdder connectionsReceived = new LongAdder();
  final LongAdder commandsProcessed = new LongAdder();
  final LongAdder rejectedConnections = new LongAdder();
  final LongAdder errorReplies = new LongAdder();
  final LongAdder netInputBytes = new LongAdder();
  final LongAdder netOutputBytes = new LongAdder();
  final LongAdder queryBufferLimitDisconnections = new LongAdder();
  final LongAdder outputBufferLimitDisconnections = new LongAdder();
  final LongAdder protocolErrors = new LongAdder();

  /** Connections closed because their client did not read its replies in time. */
  public long outputBufferLimitDisconnections() {
    return outputBufferLimitDisconnections.sum();
  }

  /** Connections closed for sending a request over the query buffer limit. */
  public long queryBufferLimitDisconnections() {
    return queryBufferLimitDisconnections.sum();
  }

  /** Connections closed for a protocol error (the query buffer limit included). */
  public long protocolErrors() {
    return protocolErrors.sum();
  }

  /** Error replies sent. */
  public long errorReplies() {
    return errorReplies.sum();
  }

  /** Commands run. */
  public long commandsProcessed() {
    return commandsProcessed.sum();
  }
}
