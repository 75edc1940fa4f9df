package dev.stateless.bench;

import dev.stateless.core.Component;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.Manifest;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures {@link Manifest#ownerOf(String)} as the number of owned patterns grows. The manifest has
 * one component per pattern, each owning one pattern under its own tenant prefix, in a rotation of
 * shapes ({@code tenantN:user:{id}}, {@code tenantN:user:{id}:posts}, {@code tenantN:product:*},
 * {@code tenantN:config}, {@code tenantN:session:{sid}:cart}), so no two patterns share a key. The
 * keys are drawn at random (seeded) over all patterns, with about one in ten matching no pattern,
 * and are precomputed in setup; the lookup cost should depend on the key's length, not on the
 * number of patterns.
 *
 * <pre>{@code
 * java -jar stateless-bench/target/benchmarks.jar OwnerLookup -f 1 -bm avgt -tu ns
 * }</pre>
 */
@State(Scope.Benchmark)
public class OwnerLookupBenchmark {
  private static final int SIZE = 1 << 12;
  private static final int MASK = SIZE - 1;
  private static final int SHAPES = 5;
  private static final long SEED = 0x5EED_0F_0BL;

  /** The number of owned patterns (and components) in the manifest. */
  @Param({"10", "1000", "10000"})
  int patterns;

  Manifest manifest;
  String[] keys;

  /** Per-thread position in the key array, advanced on every lookup. */
  @State(Scope.Thread)
  public static class ThreadState {
    int index;
  }

  /**
   * Builds the manifest, checks that it is sound, and precomputes the keys, checking each key's
   * expected owner (or lack of one).
   *
   * @throws IllegalStateException if the manifest has findings or a key resolves unexpectedly
   */
  @Setup
  public void setup() {
    Manifest.Builder builder = Manifest.builder("bench");
    for (int i = 0; i < patterns; i++) {
      builder.component(Component.builder("c" + i).owns(pattern(i)).build());
    }
    manifest = builder.build();
    List<Diagnostic> findings = manifest.validate();
    if (!findings.isEmpty()) {
      throw new IllegalStateException("the bench manifest is not sound: " + findings);
    }

    Random random = new Random(SEED);
    keys = new String[SIZE];
    int misses = 0;
    for (int k = 0; k < SIZE; k++) {
      int i = random.nextInt(patterns);
      boolean miss = random.nextInt(10) == 0;
      String key = miss ? unownedKey(i, random) : ownedKey(i, random);
      Optional<Component> owner = manifest.ownerOf(key);
      String expected = miss ? null : "c" + i;
      String actual = owner.map(Component::name).orElse(null);
      if (expected == null ? actual != null : !expected.equals(actual)) {
        throw new IllegalStateException(
            "key " + key + " resolved to " + actual + ", expected " + expected);
      }
      misses += miss ? 1 : 0;
      keys[k] = key;
    }
    if (misses == 0 || misses == SIZE) {
      throw new IllegalStateException("the key mix has no hits or no misses");
    }
  }

  /**
   * Finds the owner of the next precomputed key.
   *
   * @param threadState the calling thread's position in the keys
   * @return the owner, or empty for an unowned key
   */
  @Benchmark
  public Optional<Component> ownerOf(ThreadState threadState) {
    return manifest.ownerOf(keys[threadState.index++ & MASK]);
  }

  /** Returns the one pattern owned by component {@code i}. */
  private static String pattern(int i) {
    String tenant = "tenant" + i;
    return switch (i % SHAPES) {
      case 0 -> tenant + ":user:{id}";
      case 1 -> tenant + ":user:{id}:posts";
      case 2 -> tenant + ":product:*";
      case 3 -> tenant + ":config";
      default -> tenant + ":session:{sid}:cart";
    };
  }

  /** Returns a random key matched by pattern {@code i}. */
  private static String ownedKey(int i, Random random) {
    String tenant = "tenant" + i;
    int id = 1 + random.nextInt(99_999);
    return switch (i % SHAPES) {
      case 0 -> tenant + ":user:" + id;
      case 1 -> tenant + ":user:" + id + ":posts";
      case 2 ->
          random.nextBoolean() ? tenant + ":product:" + id : tenant + ":product:" + id + ":reviews";
      case 3 -> tenant + ":config";
      default -> tenant + ":session:" + Long.toHexString(random.nextLong()) + ":cart";
    };
  }

  /** Returns a random key near pattern {@code i} that no pattern matches. */
  private static String unownedKey(int i, Random random) {
    String tenant = "tenant" + i;
    int id = 1 + random.nextInt(99_999);
    return switch (random.nextInt(4)) {
      case 0 ->
          // a tenant nobody owns
          "tenant" + (1_000_000 + id) + ":user:" + id;
      case 1 ->
          // an entity no tenant owns
          tenant + ":order:" + id;
      case 2 ->
          // one segment too many for every shape but the wildcard
          i % SHAPES == 2 ? tenant + ":config:" + id : tenant + ":config:" + id + ":x";
      default ->
          // an untenanted key
          "metrics:" + id;
    };
  }
}
