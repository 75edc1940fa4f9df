package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code rediss://} URIs against a redis-server listening for TLS with a certificate of a test CA
 * made for this run ({@link TestCertificates}): trusted through {@link Stores#redis(String, Path)}
 * it connects with every {@code verifyPeer} mode; not trusted, {@code verifyPeer=FULL} (the
 * default) fails the build at once with SL100 and a help line, and {@code NONE} connects.
 *
 * <p>Skipped only when this redis-server cannot do TLS at all (built without it), which a Java TLS
 * client, independent of the code under test, checks first.
 */
class RedisTlsIT {
  private static RedisServerExtension redis;
  private static TestCertificates certs;

  @BeforeAll
  static void startTlsServer(@TempDir Path dir) {
    certs = TestCertificates.create(dir);
    redis = new RedisServerExtension().withTls(certs.certificate(), certs.key(), certs.ca());
    try {
      redis.start();
    } catch (IllegalStateException e) {
      assumeTrue(
          !String.valueOf(e.getMessage()).contains("TLS"),
          "redis-server " + redis.binary() + " cannot listen for TLS: " + e.getMessage());
      throw e;
    }
    assumeTrue(
        answersPingOverTls(redis.tlsPort(), certs.ca()),
        "redis-server "
            + redis.binary()
            + " "
            + redis.version()
            + " does not speak TLS on its --tls-port (built without TLS)");
  }

  @AfterAll
  static void stopServer() {
    if (redis != null) {
      redis.close();
    }
  }

  private static String tlsUri(String query) {
    return "rediss://127.0.0.1:" + redis.tlsPort() + query;
  }

  private static StatelessCache cache(LayerStore server) {
    return StatelessCache.builder().manifest(TestManifest.class).server(server).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?verifyPeer=FULL", "?verifyPeer=CA", "?verifyPeer=NONE&timeout=5s"})
  void rediss_withItsCaGiven_connectsOverTls(String query) {
    redis.flushAll();
    try (StatelessCache cache = cache(Stores.redis(tlsUri(query), certs.ca()))) {
      cache.sync().set("plain:tls", "over TLS");

      assertThat(cache.sync().<Object>get("plain:tls")).isEqualTo("over TLS");
      // The same server's plain port sees the write: it went to this Redis, through TLS.
      assertThat(redis.command("EXISTS", "plain:tls")).isEqualTo("1");
    }
  }

  @Test
  void rediss_verifyPeerFull_withAnUntrustedCertificate_failsTheBuildWithSL100() {
    Throwable t =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                catchThrowable(
                    () -> cache(Stores.redis(tlsUri("?verifyPeer=FULL"), certs.otherCa()))));

    assertThat(Failures.code(t)).isEqualTo("SL100");
    CacheNetworkException e = (CacheNetworkException) t;
    assertThat(e.getMessage())
        .contains("TLS handshake with rediss://127.0.0.1:" + redis.tlsPort() + "/0 failed: ");
    assertThat(e.help())
        .contains("Stores.redis(uri, Path.of(")
        .contains("javax.net.ssl.trustStore");
  }

  @Test
  void rediss_withoutACa_trustsTheJvmTrustStore_whichLacksTheTestCa() {
    Throwable t =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> catchThrowable(() -> cache(Stores.redis(tlsUri("")))));

    assertThat(Failures.code(t)).isEqualTo("SL100");
    assertThat(t.getMessage()).contains("TLS handshake with ");
  }

  @Test
  void rediss_verifyPeerNone_withAnUntrustedCertificate_connects() {
    try (StatelessCache cache = cache(Stores.redis(tlsUri("?verifyPeer=NONE")))) {
      cache.sync().set("plain:none", "encrypted, not verified");

      assertThat(cache.sync().<Object>get("plain:none")).isEqualTo("encrypted, not verified");
    }
  }

  @Test
  void plainRedis_onTheTlsPort_failsTheBuildWithSL100_ratherThanHang() {
    Throwable t =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                catchThrowable(() -> cache(Stores.redis("redis://127.0.0.1:" + redis.tlsPort()))));

    assertThat(Failures.code(t)).isIn("SL100", "SL101");
  }

  @Test
  void rediss_toThePlainPort_failsTheBuildWithSL100_namingTheTlsPort() {
    Throwable t =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                catchThrowable(
                    () -> cache(Stores.redis("rediss://127.0.0.1:" + redis.port(), certs.ca()))));

    assertThat(Failures.code(t)).isEqualTo("SL100");
    assertThat(t.getMessage()).contains("rediss://127.0.0.1:" + redis.port() + "/0");
    assertThat(((CacheNetworkException) t).help())
        .contains("rediss:// needs the server's tls-port");
  }

  /** PING over TLS with the JDK's own client, trusting {@code ca}: can this server do TLS? */
  private static boolean answersPingOverTls(int port, Path ca) {
    try (InputStream in = Files.newInputStream(ca)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      Certificate caCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      trust.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(5_000);
        socket.startHandshake();
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        byte[] reply = socket.getInputStream().readNBytes(7);
        return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
      }
    } catch (IOException | GeneralSecurityException e) {
      return false;
    }
  }
}
