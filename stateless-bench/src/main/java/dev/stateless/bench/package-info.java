/**
 * JMH microbenchmarks for the stateless runtime and model: each benchmark measures one hot path of
 * {@code stateless-core} (such as finding a key's owner in a {@link dev.stateless.core.Manifest})
 * over inputs precomputed in setup, so that the measured loop does nothing but the call under test.
 * Build with {@code mvn install} and run {@code java -jar stateless-bench/target/benchmarks.jar}.
 *
 * <p>{@link dev.stateless.bench.CheckerOverhead} measures what the borrow checker adds to a compile
 * ({@code stateless-bench/checker-overhead.sh}).
 */
package dev.stateless.bench;
