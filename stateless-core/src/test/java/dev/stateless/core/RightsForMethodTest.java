package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheAccess;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link Rights#forMethod}: a method's {@code @CacheAccess} read by reflection. */
class RightsForMethodTest {

  private static final Manifest MANIFEST =
      Manifest.builder("AppCache")
          .component(
              Component.builder("users")
                  .layer(CacheLayer.EDGE)
                  .owns("user:*")
                  .invalidates("profile:*")
                  .strategy(Strategy.EDGE_OPTIMIZED)
                  .build())
          .component(Component.builder("profiles").owns("profile:*").build())
          .component(Component.builder("analytics").borrows("user:*").build())
          .build();

  static class Service {
    @CacheAccess(borrows = "user:*")
    void read() {}

    @CacheAccess(
        owns = "profile:*",
        exclusive = "user:{id}:lock",
        invalidates = "profile:*",
        lifetime = Lifetime.REQUEST,
        strategy = Strategy.GLOBAL_CONSISTENT)
    void everything() {}

    @CacheAccess(follows = "users")
    void follower() {}

    @CacheAccess(follows = "userz")
    void misspelt() {}

    @CacheAccess(borrows = {"user:*:posts", "user:{"})
    void malformed() {}

    @CacheAccess(borrows = "nobody:*")
    void borrowsUnowned() {}

    void plain() {}
  }

  @CacheAccess(owns = "profile:*")
  static class TypeLevel {
    void inherits() {}

    @CacheAccess(borrows = "profile:*")
    void overrides() {}

    class Inner {
      void deep() {}
    }
  }

  private static Method method(Class<?> type, String name) throws NoSuchMethodException {
    return type.getDeclaredMethod(name);
  }

  private static List<String> codes(StatelessException e) {
    return e.diagnostics().stream().map(Diagnostic::code).collect(Collectors.toList());
  }

  @Test
  void forMethod_borrows_writeIsSL002_readIsFine() throws Exception {
    Rights r = Rights.forMethod(MANIFEST, method(Service.class, "read"));

    assertThat(r.name()).isEqualTo("Service.read");
    assertThat(r.borrows()).containsExactly(KeyPattern.parse("user:*"));
    assertThat(AccessRules.checkRead(r, KeyShape.exact("user:1"), null)).isEmpty();
    List<Diagnostic> d = AccessRules.checkWrite(r, KeyShape.exact("user:1"), null);
    assertThat(d).extracting(Diagnostic::code).containsExactly("SL002");
    assertThat(d.get(0).render()).contains("Service.read borrows \"user:*\"");
  }

  @Test
  void forMethod_readsEveryAttribute() throws Exception {
    Rights r = Rights.forMethod(MANIFEST, method(Service.class, "everything"));

    assertThat(r.owns()).containsExactly(KeyPattern.parse("profile:*"));
    assertThat(r.exclusive()).containsExactly(KeyPattern.parse("user:{id}:lock"));
    assertThat(r.invalidates()).containsExactly(KeyPattern.parse("profile:*"));
    assertThat(r.lifetime()).isEqualTo(Lifetime.REQUEST);
    assertThat(r.strategy()).isEqualTo(Strategy.GLOBAL_CONSISTENT);
    assertThat(r.follows()).isEmpty();
  }

  @Test
  void forMethod_equalsWhatTheCheckerBuildsFromTheSameAnnotation() throws Exception {
    Method m = method(Service.class, "everything");
    Rights byBuilder =
        Rights.builder(MANIFEST)
            .name("Service.everything")
            .access(m.getAnnotation(CacheAccess.class))
            .build();

    assertThat(Rights.forMethod(MANIFEST, m).toString()).isEqualTo(byBuilder.toString());
  }

  @Test
  void forMethod_follows_takesTheComponentsRightsLayerAndStrategy() throws Exception {
    Rights r = Rights.forMethod(MANIFEST, method(Service.class, "follower"));

    assertThat(r.follows()).map(Component::name).hasValue("users");
    assertThat(r.layer()).hasValue(CacheLayer.EDGE);
    assertThat(r.strategy()).isEqualTo(Strategy.EDGE_OPTIMIZED);
    assertThat(AccessRules.checkWrite(r, KeyShape.exact("user:1"), null)).isEmpty();
    assertThat(AccessRules.check(r, Operation.DELETE, KeyShape.exact("profile:1"), null))
        .isEmpty(); // the component's @Invalidates: it may drop them, not write them
    assertThat(AccessRules.checkWrite(r, KeyShape.exact("profile:1"), null))
        .extracting(Diagnostic::code)
        .containsExactly("SL003");
    assertThat(AccessRules.checkWrite(r, KeyShape.exact("user:1"), CacheLayer.SERVER))
        .extracting(Diagnostic::code)
        .containsExactly("SL004");
  }

  @Test
  void forMethod_typeLevelAnnotation_appliesToItsMethods_unlessTheMethodHasItsOwn()
      throws Exception {
    Rights inherited = Rights.forMethod(MANIFEST, method(TypeLevel.class, "inherits"));
    Rights own = Rights.forMethod(MANIFEST, method(TypeLevel.class, "overrides"));
    Rights nested = Rights.forMethod(MANIFEST, method(TypeLevel.Inner.class, "deep"));

    assertThat(inherited.name()).isEqualTo("TypeLevel");
    assertThat(inherited.owns()).containsExactly(KeyPattern.parse("profile:*"));
    assertThat(own.name()).isEqualTo("TypeLevel.overrides");
    assertThat(own.owns()).isEmpty();
    assertThat(own.borrows()).containsExactly(KeyPattern.parse("profile:*"));
    assertThat(nested.name()).isEqualTo("TypeLevel");
    assertThat(nested.owns()).containsExactly(KeyPattern.parse("profile:*"));
  }

  @Test
  void forMethod_localClassInsideAnAnnotatedMethod_takesTheMethodsRights() throws Exception {
    Class<?> local = TypeLevelLocal.localClass();
    Rights r = Rights.forMethod(MANIFEST, local.getDeclaredMethod("run"));

    assertThat(r.name()).isEqualTo("TypeLevelLocal.localClass");
    assertThat(r.borrows()).containsExactly(KeyPattern.parse("user:*"));
  }

  static class TypeLevelLocal {
    @CacheAccess(borrows = "user:*")
    static Class<?> localClass() {
      class Local {
        @SuppressWarnings("unused")
        void run() {}
      }
      return Local.class;
    }
  }

  @Test
  void forMethod_noAnnotation_isIllegalArgumentNamingTheMethod() throws Exception {
    assertThatThrownBy(() -> Rights.forMethod(MANIFEST, method(Service.class, "plain")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Service.class.getName() + ".plain")
        .hasMessageContaining("@CacheAccess");
  }

  @Test
  void forMethod_unknownFollows_isSL013ListingTheComponents() throws Exception {
    assertThatThrownBy(() -> Rights.forMethod(MANIFEST, method(Service.class, "misspelt")))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(codes(e)).containsExactly("SL013");
              assertThat(e.getMessage()).contains("\"userz\"");
              assertThat(e.help()).contains("\"users\"", "\"profiles\"", "\"analytics\"");
            });
  }

  @Test
  void forMethod_malformedPatterns_areSL012_allReportedAtOnce() throws Exception {
    assertThatThrownBy(() -> Rights.forMethod(MANIFEST, method(Service.class, "malformed")))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(codes(e)).containsExactly("SL012", "SL012");
              assertThat(e.getMessage())
                  .contains("\"user:*:posts\"", "\"user:{\"", "borrows of Service.malformed");
            });
  }

  @Test
  void forMethod_borrowOfAPatternNobodyOwns_isSL005_asTheCheckerReports() throws Exception {
    assertThatThrownBy(() -> Rights.forMethod(MANIFEST, method(Service.class, "borrowsUnowned")))
        .isInstanceOfSatisfying(
            StatelessException.class, e -> assertThat(codes(e)).containsExactly("SL005"));
  }

  @Test
  void forMethod_emptyManifest_unknownFollowsIsSL013_borrowsKept_unownedKeysAllowed()
      throws Exception {
    assertThatThrownBy(() -> Rights.forMethod(Manifest.empty(), method(Service.class, "follower")))
        .isInstanceOfSatisfying(
            StatelessException.class, e -> assertThat(codes(e)).containsExactly("SL013"));
    Rights r = Rights.forMethod(Manifest.empty(), method(Service.class, "borrowsUnowned"));
    assertThat(AccessRules.checkWrite(r, KeyShape.exact("nobody:1"), null))
        .extracting(Diagnostic::code)
        .containsExactly("SL002");
    assertThat(AccessRules.checkWrite(r, KeyShape.exact("other:1"), null)).isEmpty();
    Rights withManifest = Rights.forMethod(MANIFEST, method(Service.class, "read"));
    assertThat(AccessRules.checkWrite(withManifest, KeyShape.exact("other:1"), null))
        .extracting(Diagnostic::code)
        .containsExactly("SL003");
  }

  @Test
  void forMethod_nullArguments_throwNullPointer() throws Exception {
    Method m = method(Service.class, "read");
    assertThatThrownBy(() -> Rights.forMethod(null, m))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("manifest");
    assertThatThrownBy(() -> Rights.forMethod(MANIFEST, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("method");
  }
}
