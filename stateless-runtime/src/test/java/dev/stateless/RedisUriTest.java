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
  void everySentinelForm_isAccepted_andDescribedBySentinelsAndMaster_withoutItsPassword() {
    String[][] forms = {
      {
        "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381#mymaster",
        "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381/0#mymaster"
      },
      {
        "redis-sentinel://app:s3cret@10.0.0.1:26379,10.0.0.2/2?timeout=500ms#orders",
        "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/2#orders"
      },
      {
        "redis-sentinel://s3cret@sentinel.internal#cache",
        "redis-sentinel://sentinel.internal:26379/0#cache"
      },
      {
        "rediss-sentinel://s3cret@10.0.0.1:26379,10.0.0.2:26379?verifyPeer=CA#mymaster",
        "rediss-sentinel://10.0.0.1:26379,10.0.0.2:26379/0#mymaster"
      },
      {
        "redis-sentinel://127.0.0.1:26379?sentinelMasterId=m",
        "redis-sentinel://127.0.0.1:26379/0#m"
      },
    };
    for (String[] form : forms) {
      try (LayerStore store = Stores.redis(form[0])) {
        assertThat(store.describe()).as(form[0]).isEqualTo(form[1]).doesNotContain("s3cret");
      }
    }
  }

  @Test
  void sentinelUri_withoutAMasterName_isRefused_askingForTheName() {
    for (String uri :
        new String[] {
          "redis-sentinel://u:s3cret@127.0.0.1:26379,127.0.0.1:26380",
          "redis-sentinel://127.0.0.1:26379#",
          "redis-sentinel://127.0.0.1:26379?timeout=2s"
        }) {
      Throwable t = catchThrowable(() -> Stores.redis(uri));

      assertThat(t)
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("malformed Redis URI \"redis-sentinel://")
          .hasMessageContaining("no master name: end the URI with #name")
          .hasMessageContaining("redis-sentinel://[[user:]password@]host[:port][,host[:port]...]")
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void sentinelUri_withASentinelThatIsNoHostAndPort_isRefused_namingIt() {
    String[][] cases = {
      {"redis-sentinel://u:s3cret@127.0.0.1:0,127.0.0.1:26380#m", "\"127.0.0.1:0\""},
      {"redis-sentinel://127.0.0.1:26379,127.0.0.1:70000#m", "\"127.0.0.1:70000\""},
      {"redis-sentinel://127.0.0.1:abc#m", "\"127.0.0.1:abc\""},
      {"redis-sentinel://127.0.0.1:-1#m", "\"127.0.0.1:-1\""},
      {"redis-sentinel://127.0.0.1:26379,,127.0.0.1:26380#m", "\"\""},
    };
    for (String[] c : cases) {
      Throwable t = catchThrowable(() -> Stores.redis(c[0]));

      assertThat(t)
          .as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sentinel " + c[1] + " is no host[:port]")
          .hasMessageContaining("each port between 1 and 65535")
          .hasMessageNotContaining("s3cret");
    }
    assertThat(catchThrowable(() -> Stores.redis("redis-sentinel://#m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no sentinel");
  }

  @Test
  void sentinelUri_withABadTimeout_orVerifyPeerWithoutTls_isRefused() {
    assertThat(catchThrowable(() -> Stores.redis("redis-sentinel://h:26379?timeout=abc#m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout \"abc\" is no duration");
    assertThat(catchThrowable(() -> Stores.redis("redis-sentinel://h:26379?timeout=0s#m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout 0s is not between 1 ms and 1 day");
    assertThat(catchThrowable(() -> Stores.redis("redis-sentinel://h:26379?verifyPeer=CA#m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verifyPeer needs TLS, which redis-sentinel:// does not use")
        .hasMessageContaining("write rediss-sentinel://");
  }

  @Test
  void passwordWithAnUnencodedSlash_isRefused_withoutRepeatingAnyOfIt() {
    for (String uri :
        new String[] {"redis://app:se/cr3t@127.0.0.1:6379", "redis-sentinel://app:se/cr3t@h:1#m"}) {
      Throwable t = catchThrowable(() -> Stores.redis(uri));

      assertThat(t)
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("://***@")
          .hasMessageContaining("write it %2F")
          .hasMessageNotContaining("se/")
          .hasMessageNotContaining("cr3t");
    }
  }

  @Test
  void plainUri_namingSeveralHosts_isARedisCluster_describedWithoutItsPassword() {
    try (LayerStore s = Stores.redis("redis://s3cret@h1:7000,h2:7001?timeout=1s")) {
      assertThat(s.describe()).isEqualTo("redis://h1:7000,h2:7001 (cluster)");
      assertThat(s.toString()).doesNotContain("s3cret");
    }
  }

  @Test
  void clusterUri_withABadSeed_anEmptySeed_orADatabase_isRefused_namingIt() {
    assertThat(catchThrowable(() -> Stores.redis("redis://s3cret@h1:7000,h2:0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed Redis URI")
        .hasMessageContaining("for Redis Cluster, several seeds")
        .hasMessageNotContaining("s3cret");
    assertThat(catchThrowable(() -> Stores.redis("redis://h1:7000,,h2:7001")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an empty host in the cluster's host list");
    assertThat(catchThrowable(() -> Stores.redis("redis://h1:7000,h2:7001/2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Redis Cluster has only database 0, not 2");
  }

  @Test
  void replicas_isANumberFrom0To16_orAuto_onEveryForm() {
    for (String uri :
        new String[] {
          "redis://127.0.0.1:6379?replicas=0",
          "redis://127.0.0.1:6379?timeout=1s&replicas=16",
          "redis://127.0.0.1:6379?REPLICAS=auto",
          "redis://h1:7000,h2:7001?replicas=2",
          "redis-sentinel://h:26379?replicas=1#m"
        }) {
      try (LayerStore s = Stores.redis(uri)) {
        assertThat(s.describe()).as(uri).doesNotContain("replicas");
      }
    }
    for (String bad : new String[] {"x", "-1", "17", "", "1.5", "100"}) {
      String uri = "redis://s3cret@127.0.0.1:6379?replicas=" + bad;
      assertThat(catchThrowable(() -> Stores.redis(uri)))
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("malformed Redis URI")
          .hasMessageContaining(
              "replicas \"" + bad + "\" is neither auto nor a number of replicas from 0 to 16")
          .hasMessageContaining("[&replicas=N|auto]")
          .hasMessageNotContaining("s3cret");
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
