package dev.stateless.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.CacheTransaction;
import dev.stateless.RequestScope;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.redis.RedisAdapter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Holds the checker's table of calls to the runtime's real public API, both ways. */
class CacheApiTest {

  @Test
  void everyPublicMethodTakingAKey_isInTheTable() {
    for (Class<?> type :
        new Class<?>[] {
          StatelessCache.class,
          SyncCache.class,
          CacheTransaction.class,
          RequestScope.class,
          RedisAdapter.class
        }) {
      Set<String> keyed = new TreeSet<>();
      for (Method m : type.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())
            && !Modifier.isStatic(m.getModifiers())
            && m.getParameterCount() > 0
            && (m.getParameterTypes()[0] == String.class
                || m.getParameterTypes()[0] == String[].class)) {
          keyed.add(m.getName());
        }
      }
      assertThat(CacheApi.methods(type.getName()))
          .as("checked methods of %s", type.getName())
          .containsAll(keyed);
    }
  }

  @Test
  void everyMethodInTheTable_existsInTheRuntime() {
    for (Class<?> type :
        new Class<?>[] {
          StatelessCache.class,
          SyncCache.class,
          CacheTransaction.class,
          RequestScope.class,
          RedisAdapter.class
        }) {
      Set<String> names = new TreeSet<>();
      for (Method m : type.getMethods()) {
        names.add(m.getName());
      }
      assertThat(names)
          .as("public methods of %s", type.getName())
          .containsAll(CacheApi.methods(type.getName()));
    }
  }

  @Test
  void viewsAndWritesReturnTheTypesTheCheckerFollows() throws Exception {
    assertThat(
            StatelessCache.class
                .getMethod("set", String.class, Object.class)
                .getReturnType()
                .getName())
        .isEqualTo(CacheApi.WRITE_RESULT);
    assertThat(StatelessCache.class.getMethod("requestScope").getReturnType().getName())
        .isEqualTo(CacheApi.SCOPE);
    assertThat(StatelessCache.class.getMethod("sync").getReturnType().getName())
        .isEqualTo(CacheApi.SYNC);
  }
}
