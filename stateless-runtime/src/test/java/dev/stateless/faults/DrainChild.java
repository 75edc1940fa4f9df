package dev.stateless.faults;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Run in a child JVM by the fault suite, to be killed with {@code kill -9} while it drains: builds
 * a node with a durable offline queue, prints {@code built}, waits for {@code go} on its input,
 * makes {@code records} {@code CLIENT_FIRST} writes ({@link #key}, {@link #value}), prints {@code
 * queued <records>} once every one is acknowledged (committed to the queue file), and then waits,
 * draining, until it is killed or its input ends.
 *
 * <p>Arguments: Redis URI (with its timeout), queue file, records, keys.
 */
public final class DrainChild {
  private DrainChild() {}

  /** The key of record {@code i} (0-based) of {@code keys} keys. */
  static String key(int i, int keys) {
    return "drain:k" + (i % keys);
  }

  /** The value of record {@code i}: its key and how many times the key was written before. */
  static String value(int i, int keys) {
    return key(i, keys) + "@v" + (i / keys);
  }

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    Path queue = Path.of(args[1]);
    int records = Integer.parseInt(args[2]);
    int keys = Integer.parseInt(args[3]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StatelessCache cache =
        StatelessCache.builder()
            .manifest(FaultManifest.class)
            .server(Stores.redis(uri))
            .offlineQueue(queue)
            .build();
    System.out.println("built");
    System.out.flush();
    if (!"go".equals(in.readLine())) {
      cache.close();
      System.exit(2);
    }
    List<CompletableFuture<Boolean>> writes = new ArrayList<>(records);
    for (int i = 0; i < records; i++) {
      writes.add(cache.set(key(i, keys), value(i, keys)));
    }
    for (CompletableFuture<Boolean> w : writes) {
      w.join();
    }
    System.out.println("queued " + records);
    System.out.flush();
    in.readLine(); // drains until killed; a closed input ends it cleanly
    cache.close();
  }
}
