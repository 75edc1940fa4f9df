package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stateless.testing.RedisServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code redis://user:password@host:port} against a redis-server whose only user is {@code app}
 * (the default user is off): the right password connects, a wrong or missing one fails the build
 * with SL100 saying the credentials were refused, and never repeats the password.
 */
class RedisAclIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final String PASSWORD = "s3cret-Pa55";

  @BeforeAll
  static void onlyUserApp() {
    assertThat(redis.command("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "~*", "&*", "+@all"))
        .isEqualTo("OK");
    // From here on, connections must log in as app (this extension's own commands cannot).
    assertThat(redis.command("ACL", "SETUSER", "default", "off")).isEqualTo("OK");
    assertThat(redis.command("PING")).startsWith("-NOAUTH");
  }

  private static String uri(String userInfo) {
    return "redis://" + userInfo + "@127.0.0.1:" + redis.port();
  }

  @Test
  void userAndPassword_inUri_connectAsThatUser() {
    try (StatelessCache cache =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(uri("app:" + PASSWORD)))
            .build()) {
      cache.sync().set("plain:acl", "as app");

      assertThat(cache.sync().<Object>get("plain:acl")).isEqualTo("as app");
    }
  }

  @Test
  void wrongPassword_failsTheBuildWithSL100_namingRefusedCredentials() {
    Throwable t =
        catchThrowable(
            () ->
                StatelessCache.builder()
                    .manifest(TestManifest.class)
                    .server(Stores.redis(uri("app:wrong-" + PASSWORD)))
                    .build());

    assertThat(Failures.code(t)).isEqualTo("SL100");
    CacheNetworkException e = (CacheNetworkException) t;
    assertThat(e.getMessage())
        .contains("redis://127.0.0.1:" + redis.port() + "/0 refused the credentials")
        .contains("WRONGPASS")
        .doesNotContain(PASSWORD);
    assertThat(e.help()).contains("redis://user:password@host:port").contains("ACL SETUSER");
  }

  @Test
  void noCredentials_whenTheDefaultUserIsOff_failsTheBuildWithSL100() {
    Throwable t =
        catchThrowable(
            () ->
                StatelessCache.builder()
                    .manifest(TestManifest.class)
                    .server(Stores.redis(redis.uri()))
                    .build());

    assertThat(Failures.code(t)).isEqualTo("SL100");
    assertThat(t.getMessage()).contains("refused the credentials");
    assertThat(((CacheNetworkException) t).help()).contains("redis://user:password@host:port");
  }
}
