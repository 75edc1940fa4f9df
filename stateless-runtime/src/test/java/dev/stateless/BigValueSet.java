package dev.stateless;

/**
 * Run in a child JVM with a small heap by {@code BadInputsIT}: writes one {@code byte[]} of a given
 * fraction of the heap with {@code set}, as issue 12 did. {@code set} may make one copy of it (the
 * cache keeps values by value); two more, as it once made, run out of memory.
 *
 * <p>Arguments: {@code in-process} or a Redis URI, and the fraction of the maximum heap. Prints
 * {@code bytes=<n>} and {@code maxHeapMB=<m>}; exits 0 when the value was written (and, on an
 * OutOfMemoryError, with the JVM's error).
 */
public final class BigValueSet {
  private BigValueSet() {}

  public static void main(String[] args) {
    String where = args[0];
    double fraction = Double.parseDouble(args[1]);
    StatelessCache.Builder builder = StatelessCache.builder().manifest(TestManifest.class);
    if (!where.equals("in-process")) {
      builder.server(Stores.redis(where + "?timeout=30s"));
    }
    long max = Runtime.getRuntime().maxMemory();
    try (StatelessCache cache = builder.build()) {
      byte[] value = new byte[(int) (max * fraction)];
      for (int i = 0; i < value.length; i += 4096) {
        value[i] = (byte) i;
      }
      cache.sync().set("plain:big", value);
      // read back without a copy of the value: it is there, with no expiry
      if (cache.sync().ttlMillis("plain:big") != -1) {
        throw new IllegalStateException("plain:big was not written");
      }
      System.out.println("bytes=" + value.length);
      System.out.println("maxHeapMB=" + max / (1024 * 1024));
    }
  }
}
