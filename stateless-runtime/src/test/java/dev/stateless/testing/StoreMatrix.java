package dev.stateless.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test once per {@link StoreKind} (all of them, or the ones given), each run displayed as
 * {@code [IN_PROCESS]}, {@code [REDIS]}, ... The test takes a {@link StoreContext} (and, if it
 * wants, the {@link StoreKind}) as a parameter:
 *
 * <pre>{@code
 * @StoreMatrix
 * void set_thenGet(StoreContext store) {
 *   SyncCache c = store.build(b -> b.manifest(TestManifest.class)).sync();
 *   ...
 *   if (store.kind() == StoreKind.REDIS) {
 *     assertThat(store.redis().command("EXISTS", "plain:1")).isEqualTo("1");
 *   }
 * }
 * }</pre>
 *
 * <p>What a kind needs (a redis-server) is started once per test class, before its first run of
 * that kind, and stopped after the class; it is emptied before every run. The caches a test builds
 * through its {@code StoreContext} are closed after it. See {@link StoreMatrixExtension}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(StoreMatrixExtension.class)
public @interface StoreMatrix {
  /** The kinds to run over; empty (the default) means every {@link StoreKind}. */
  StoreKind[] value() default {};
}
