package dev.stateless.core;

/** What a cache call does to its key, as the access rules see it. */
public enum Operation {
  /** {@code get}: reads are allowed on owned and borrowed keys alike. */
  READ(false),
  /** {@code set} without a cleanup callback. */
  WRITE(true),
  /** {@code set(..).withCleanup(fn)}: a write whose entry is removed at session end. */
  WRITE_WITH_CLEANUP(true),
  /** {@code del}. */
  DELETE(true),
  /** {@code atomicUpdate}: needs ownership or exclusive access (SL011). */
  ATOMIC_UPDATE(true),
  /** {@code stream}: chunked read. */
  STREAM_READ(false),
  /** {@code setStream}: chunked write. */
  STREAM_WRITE(true),
  /** {@code scope.setScoped}: needs a {@code REQUEST} lifetime (SL010). */
  SCOPED_WRITE(true),
  /** {@code invalidatePattern}: drops every key of a pattern. */
  INVALIDATE(true);

  private final boolean write;

  Operation(boolean write) {
    this.write = write;
  }

  /**
   * Returns whether the operation changes data (and so needs ownership).
   *
   * @return whether it writes
   */
  public boolean isWrite() {
    return write;
  }

  /** Whether the operation moves a whole value at once (forbidden on streaming data, SL009). */
  boolean isPlainValueAccess() {
    return this == READ
        || this == WRITE
        || this == WRITE_WITH_CLEANUP
        || this == SCOPED_WRITE
        || this == ATOMIC_UPDATE;
  }
}
