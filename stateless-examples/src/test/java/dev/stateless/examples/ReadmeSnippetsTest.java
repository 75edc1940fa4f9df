package dev.stateless.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.RequestScope;
import dev.stateless.StatelessCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Streaming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's snippets of "The runtime", compiled and run as written there. */
class ReadmeSnippetsTest {
  @CacheManifest
  static final class ReadmeCache {
    @Owns("user:*")
    Object userData;

    @Owns("session:*")
    Object sessions;

    @Layer(CacheLayer.EDGE)
    @Streaming(chunkSize = "1MB")
    @Owns("video:*")
    Object videoCache;

    private ReadmeCache() {}
  }

  private final StatelessCache cache = StatelessCache.builder().manifest(ReadmeCache.class).build();
  private final List<String> auditLog = new ArrayList<>();
  private final Audit audit = auditLog::add;
  private final String data = "data";
  private final String data1 = "Ada Lovelace";
  private final String data2 = "theme=dark";
  private final String request = "GET /";

  interface Audit {
    void log(String line);
  }

  private void handle(String request) {
    assertThat(cache.sync().get("req:123")).isEqualTo(data);
    throw new IllegalStateException("failed: " + request);
  }

  @AfterEach
  void close() {
    cache.close();
  }

  @Test
  void atomicUpdate() {
    long visits = cache.sync().<Long>atomicUpdate("user:123:visits", n -> n == null ? 1L : n + 1);
    assertThat(visits).isEqualTo(1L);
  }

  @Test
  void atomicBatch() {
    cache.sync().set("user:123:draft", "draft");
    cache
        .sync()
        .atomicBatch(
            tx -> {
              tx.set("user:123", data1);
              tx.set("user:123:prefs", data2);
              tx.del("user:123:draft");
            });
    assertThat(cache.sync().get("user:123")).isEqualTo(data1);
    assertThat(cache.sync().get("user:123:prefs")).isEqualTo(data2);
    assertThat(cache.sync().exists("user:123:draft")).isFalse();
  }

  @Test
  void requestScopesAndSessions() {
    assertThatThrownBy(
            () -> {
              try (RequestScope scope = cache.requestScope()) {
                scope.setScoped("req:123", data).join(); // a temporary: no owner needed
                handle(request);
              } // req:123 is deleted here, also when handle throws
            })
        .hasMessage("failed: GET /");
    assertThat(cache.sync().exists("req:123")).isFalse();

    try (StatelessCache session = cache.session()) {
      session.set("session:123", data).withCleanup(() -> audit.log("session 123 ended")).join();
    } // session:123 is deleted, then the callback runs
    assertThat(auditLog).containsExactly("session 123 ended");
    assertThat(cache.sync().exists("session:123")).isFalse();
  }

  @Test
  void streaming(@TempDir Path dir) throws IOException {
    Path video = dir.resolve("video.bin");
    byte[] bytes = new byte[3 * 1024 * 1024 + 7];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Files.write(video, bytes);
    ByteArrayOutputStream player = new ByteArrayOutputStream();

    try (InputStream file = Files.newInputStream(video)) {
      cache.sync().setStream("video:123", file); // the owner is @Streaming(chunkSize = "1MB")
    }
    try (InputStream in = cache.sync().stream("video:123")) {
      in.transferTo(player);
    }
    assertThat(player.toByteArray()).isEqualTo(bytes);
  }
}
