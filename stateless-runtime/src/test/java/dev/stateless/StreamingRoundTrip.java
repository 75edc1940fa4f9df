package dev.stateless;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Run in a child JVM with a small heap by {@code StreamingTest}: streams a large deterministic
 * pseudo-random value into a Redis-backed {@code @Streaming} component ({@code movie:*}, 1 MB
 * chunks) and back, and prints the SHA-256 of both sides.
 *
 * <p>Arguments: Redis URI, size in MB. Prints {@code written=<hex>}, {@code read=<hex>}, {@code
 * bytes=<n>} and timings; exits 0 when both ran to the end.
 */
public final class StreamingRoundTrip {
  private StreamingRoundTrip() {}

  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    String uri = args[0];
    long size = Long.parseLong(args[1]) * 1024 * 1024;
    try (StatelessCache cache =
        StatelessCache.builder()
            .manifest(StreamingManifest.class)
            .server(Stores.redis(uri + "?timeout=10s"))
            .build()) {
      MessageDigest in = MessageDigest.getInstance("SHA-256");
      long t0 = System.nanoTime();
      cache
          .sync()
          .setStream("movie:big", new DigestInputStream(new PseudoRandomStream(size, 42), in));
      long t1 = System.nanoTime();
      MessageDigest out = MessageDigest.getInstance("SHA-256");
      long bytes = 0;
      try (InputStream s = cache.sync().stream("movie:big")) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = s.read(buf)) > 0; ) {
          out.update(buf, 0, n);
          bytes += n;
        }
      }
      long t2 = System.nanoTime();
      System.out.println("written=" + HexFormat.of().formatHex(in.digest()));
      System.out.println("read=" + HexFormat.of().formatHex(out.digest()));
      System.out.println("bytes=" + bytes);
      System.out.println("setStreamMillis=" + (t1 - t0) / 1_000_000);
      System.out.println("streamMillis=" + (t2 - t1) / 1_000_000);
      System.out.println("maxHeapMB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }
  }

  /** {@code size} bytes from a xorshift generator, made on the fly: nothing is held. */
  static final class PseudoRandomStream extends InputStream {
    private long left;
    private long state;

    PseudoRandomStream(long size, long seed) {
      this.left = size;
      this.state = seed == 0 ? 1 : seed;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        if ((i & 7) == 0) {
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
        }
        b[off + i] = (byte) (state >>> ((i & 7) * 8));
      }
      left -= n;
      return n;
    }
  }
}
