package dev.stateless.edge.internal;

/**
 * The request limits a connection enforces, with redis-server's defaults.
 *
 * @param maxBulkLength the longest bulk string (argument) a request may carry ({@code
 *     proto-max-bulk-len}: 512 MB)
 * @param maxMultibulkLength the most elements in one request (redis-server: {@code INT_MAX})
 * @param queryBufferLimit the most bytes one request may hold while it is read, its arguments and
 *     their overhead counted ({@code client-query-buffer-limit}: 1 GB); beyond it the connection is
 *     closed with no reply, as redis-server does
 */
public record ProtocolLimits(long maxBulkLength, int maxMultibulkLength, long queryBufferLimit) {

  /** redis-server's {@code PROTO_INLINE_MAX_SIZE}: an inline command, or a length line, at most. */
  public static final int INLINE_MAX_SIZE = 64 * 1024;

  /** redis-server's default {@code proto-max-bulk-len}. */
  public static final long DEFAULT_MAX_BULK_LENGTH = 512L * 1024 * 1024;

  /** redis-server's default {@code client-query-buffer-limit}. */
  public static final long DEFAULT_QUERY_BUFFER_LIMIT = 1024L * 1024 * 1024;

  /** redis-server's limits. */
  public static final ProtocolLimits DEFAULTS =
      new ProtocolLimits(DEFAULT_MAX_BULK_LENGTH, Integer.MAX_VALUE, DEFAULT_QUERY_BUFFER_LIMIT);

  /**
   * @throws IllegalArgumentException if a limit is not positive, or the bulk length is above
   *     redis-server's own cap ({@link #DEFAULT_MAX_BULK_LENGTH} is the largest a Java array holds
   *     comfortably; Redis allows more only with a non-default configuration)
   */
  public ProtocolLimits {
    if (maxBulkLength < 1 || maxBulkLength > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "proto-max-bulk-len must be between 1 and "
              + (Integer.MAX_VALUE - 16)
              + ": "
              + maxBulkLength);
    }
    if (maxMultibulkLength < 1) {
      throw new IllegalArgumentException(
          "the multibulk length limit must be positive: " + maxMultibulkLength);
    }
    if (queryBufferLimit < 1) {
      throw new IllegalArgumentException(
          "client-query-buffer-limit must be positive: " + queryBufferLimit);
    }
  }

  /** These limits with another {@code proto-max-bulk-len}. */
  public ProtocolLimits withMaxBulkLength(long bytes) {
    return new ProtocolLimits(bytes, maxMultibulkLength, queryBufferLimit);
  }

  /** These limits with another multibulk length limit. */
  public ProtocolLimits withMaxMultibulkLength(int elements) {
    return new ProtocolLimits(maxBulkLength, elements, queryBufferLimit);
  }

  /** These limits with another query buffer limit. */
  public ProtocolLimits withQueryBufferLimit(long bytes) {
    return new ProtocolLimits(maxBulkLength, maxMultibulkLength, bytes);
  }
}
