package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The URI forms {@link Stores#redis(String)} accepts, and the ones it refuses before connecting
 * (nothing is started: the store connects when a cache is built).
 */
class RedisUriTest {
  @Test
  void everyDocumentedForm_isAccepted_andDescribedWithoutItsPassword() {
    String[][] forms = {
      {"redis://127.0.0.1:6379", "redis://127.0.0.1:6379/0"},
      {"redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/2"},
      {"redis://s3cret@127.0.0.1:6379", "redis://127.0.0.1:6379/0"},
      {"redis://app:s3cret@127.0.0.1:6379/1?timeout=500ms", "redis://127.0.0.1:6379/1"},
      {"rediss://127.0.0.1:6380", "rediss://127.0.0.1:6380/0"},
      {"rediss://127.0.0.1:6380?verifyPeer=CA&timeout=2s", "rediss://127.0.0.1:6380/0"},
      {"rediss://app:s3cret@127.0.0.1:6380/3?verifyPeer=NONE", "rediss://127.0.0.1:6380/3"},
    };
    for (String[] form : forms) {
      try (LayerStore store = Stores.redis(form[0])) {
        assertThat(store.describe()).as(form[0]).isEqualTo(form[1]).doesNotContain("s3cret");
      }
    }
  }

  @Test
  void verifyPeer_onAUriWithoutTls_isRefused() {
    Throwable t = catchThrowable(() -> Stores.redis("redis://127.0.0.1:6379?verifyPeer=FULL"));

    assertThat(t)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed Redis URI \"redis://127.0.0.1:6379?verifyPeer=FULL\"")
        .hasMessageContaining("verifyPeer needs TLS")
        .hasMessageContaining("write rediss://");
  }

  @Test
  void verifyPeer_withAnUnknownMode_isRefused_namingTheModes() {
    Throwable t = catchThrowable(() -> Stores.redis("rediss://127.0.0.1:6380?verifyPeer=yes"));

    assertThat(t)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verifyPeer \"yes\" is none of NONE, CA, FULL");
  }

  @Test
  void trustedCertificates_forAUriWithoutTls_areRefused(@TempDir Path dir) throws Exception {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "not used");

    Throwable t = catchThrowable(() -> Stores.redis("redis://u:s3cret@127.0.0.1:6379", pem));

    assertThat(t)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("which does not use TLS")
        .hasMessageContaining("rediss://")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void trustedCertificates_thatAreNoPem_areRefused_namingTheFile(@TempDir Path dir)
      throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello");
    Path missing = dir.resolve("missing.pem");

    for (Path bad : new Path[] {notPem, missing}) {
      Throwable t = catchThrowable(() -> Stores.redis("rediss://127.0.0.1:6380", bad));

      assertThat(t)
          .as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.toString())
          .hasMessageContaining("PEM file of X.509 certificates");
    }
  }
}
