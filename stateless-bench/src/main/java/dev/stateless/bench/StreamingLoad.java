package dev.stateless.bench;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Component;
import dev.stateless.core.Literals;
import dev.stateless.core.Manifest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Streaming throughput: {@code setStream} and {@code stream} of one large value through the SDK
 * into a Redis server layer, or the RESP file of the same bytes for {@code redis-cli --pipe}.
 *
 * <pre>
 * java -cp stateless-bench/target/benchmarks.jar dev.stateless.bench.StreamingLoad \
 *     sdk redis://127.0.0.1:6379 256 1MB
 * java -cp stateless-bench/target/benchmarks.jar dev.stateless.bench.StreamingLoad \
 *     resp /tmp/value.resp 256 1MB
 * </pre>
 *
 * {@code sdk} prints {@code setStream <MB/s>} and {@code stream <MB/s>}; {@code resp} writes one
 * {@code SET bench:chunk:<i> <chunk>} per chunk of the same bytes (what a plain Redis client doing
 * its own chunking would send), for {@code redis-cli --pipe < file}.
 */
public final class StreamingLoad {
  private StreamingLoad() {}

  /**
   * Runs the load.
   *
   * @param args mode (sdk|resp), Redis URI or output file, size in MB, chunk size literal
   * @throws IOException if the value cannot be read or the file written
   */
  public static void main(String[] args) throws IOException {
    String mode = args[0];
    long size = Long.parseLong(args[2]) * 1024 * 1024;
    int chunk = (int) Literals.parseSize(args[3]);
    if (mode.equals("resp")) {
      writeResp(Path.of(args[1]), size, chunk);
      return;
    }
    Manifest manifest =
        Manifest.builder("StreamingLoad")
            .layers(CacheLayer.SERVER)
            .component(Component.builder("videos").owns("video:*").streaming(args[3]).build())
            .build();
    try (StatelessCache cache =
        StatelessCache.builder()
            .manifest(manifest)
            .server(Stores.redis(args[1] + "?timeout=10s"))
            .build()) {
      long t0 = System.nanoTime();
      cache.sync().setStream("video:bench", new PseudoRandom(size));
      long t1 = System.nanoTime();
      long read = 0;
      try (InputStream in = cache.sync().stream("video:bench")) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          read += n;
        }
      }
      long t2 = System.nanoTime();
      if (read != size) {
        throw new IllegalStateException("read " + read + " bytes of " + size);
      }
      System.out.println(String.format(Locale.ROOT, "setStream %.1f", mbPerSecond(size, t1 - t0)));
      System.out.println(String.format(Locale.ROOT, "stream %.1f", mbPerSecond(size, t2 - t1)));
      cache.sync().del("video:bench");
    }
  }

  private static double mbPerSecond(long bytes, long nanos) {
    return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  private static void writeResp(Path file, long size, int chunk) throws IOException {
    InputStream in = new PseudoRandom(size);
    byte[] buf = new byte[chunk];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (int i = 0; ; i++) {
        int n = in.readNBytes(buf, 0, chunk);
        if (n == 0) {
          break;
        }
        String key = "bench:chunk:" + i;
        out.write(
            ("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + n + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(buf, 0, n);
        out.write('\r');
        out.write('\n');
      }
    }
  }

  /**
   * {@code size} pseudo-random bytes, made as they are read: slices of a 2 MB random block at
   * shifting offsets, so the source costs a memory copy, not the benchmark's time.
   */
  static final class PseudoRandom extends InputStream {
    private static final int HALF = 1 << 20;
    private final byte[] block = new byte[2 * HALF];
    private long left;
    private long consumed;

    PseudoRandom(long size) {
      this.left = size;
      new java.util.SplittableRandom(42).nextBytes(block);
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
      int n = (int) Math.min(Math.min(len, left), HALF);
      System.arraycopy(block, (int) ((consumed * 31 + consumed / HALF) % HALF), b, off, n);
      left -= n;
      consumed += n;
      return n;
    }
  }
}
