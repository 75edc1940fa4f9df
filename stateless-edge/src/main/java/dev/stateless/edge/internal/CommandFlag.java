package dev.stateless.edge.internal;

import java.util.Locale;

/** A command's flags, as {@code COMMAND INFO} names them. */
public enum CommandFlag {
  /** Changes data. */
  WRITE,
  /** Only reads data. */
  READONLY,
  /** May grow memory use. */
  DENYOOM,
  /** An administrative command. */
  ADMIN,
  /** Pub/sub related. */
  PUBSUB,
  /** Not allowed from scripts. */
  NOSCRIPT,
  /** Allowed while the dataset loads. */
  LOADING,
  /** Allowed on a replica with stale data. */
  STALE,
  /** Runs in constant or logarithmic time. */
  FAST,
  /** Allowed before the connection authenticates. */
  NO_AUTH,
  /** Allowed while the server is busy. */
  ALLOW_BUSY,
  /** Refused inside {@code MULTI}. */
  NO_MULTI;

  /** The name in {@code COMMAND INFO}'s flags ({@code no_auth}). */
  public String redisName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
