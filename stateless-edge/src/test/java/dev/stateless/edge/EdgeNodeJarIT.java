package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.RedisServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar: {@code java -jar stateless-edge.jar}, its help, a Redis upstream, and a SIGTERM
 * shutdown.
 */
class EdgeNodeJarIT {
  private static final Pattern READY =
      Pattern.compile("ready to accept connections on [^:]+:(\\d+)");

  private static Path jar() {
    Path jar = Path.of(System.getProperty("stateless.edge.jar", "target/stateless-edge.jar"));
    assertThat(jar).as("the shaded jar (mvn package)").exists();
    return jar;
  }

  private static Process java(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Reads the node's log up to its "ready" line, into {@code lines}; returns the port it names. */
  private static int readyPort(BufferedReader log, List<String> lines) throws IOException {
    for (String line; (line = log.readLine()) != null; ) {
      lines.add(line);
      Matcher m = READY.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the node never said it was ready; log: " + lines);
  }

  /** redis-cli on port {@code p} as the component user {@code users} (password s3cret). */
  private static RedisTools.Result asUsers(String p, String... command) {
    List<String> args =
        new ArrayList<>(
            List.of("-p", p, "--no-auth-warning", "--user", "users", "--pass", "s3cret"));
    args.addAll(List.of(command));
    return RedisTools.run("redis-cli", "", 30, args.toArray(new String[0]));
  }

  @Test
  void help_listsTheOptions() throws Exception {
    Process process = java("--help");
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(out)
        .contains("--port", "--bind", "--requirepass", "--maxclients", "--proto-max-bulk-len")
        .contains("--help");
  }

  @Test
  void badOption_exitsWithUsage() throws Exception {
    Process process = java("--port", "not-a-port");
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(out).contains("--port");
  }

  @Test
  void badManifestOrUser_exitsWithTheReason() throws Exception {
    Process noManifest = java("--port", "0", "--manifest", "no/such/shop.yaml");
    String out = new String(noManifest.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(noManifest.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(noManifest.exitValue()).isEqualTo(2);
    assertThat(out).contains("--manifest no/such/shop.yaml is no file and no class");

    Process badUser = java("--port", "0", "--user", "users");
    out = new String(badUser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(badUser.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(badUser.exitValue()).isEqualTo(2);
    assertThat(out).contains("--user users is not COMPONENT:PASSWORD");
  }

  /** A manifest file and a component user from the command line, reached with redis-cli. */
  @Test
  void manifestFileAndComponentUser_fromTheCommandLine(@TempDir Path dir) throws Exception {
    Path manifest = dir.resolve("shop.yaml");
    Files.writeString(manifest, "components:\n  users:\n    owns: user:*\n");
    Process process =
        java("--port", "0", "--manifest", manifest.toString(), "--user", "users:s3cret");
    try {
      BufferedReader log =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      int port = readyPort(log, lines);
      String p = Integer.toString(port);
      RedisTools.Result set = asUsers(p, "SET", "user:1", "Ada");
      assertThat(set.stdout()).isEqualTo("OK\n");
      RedisTools.Result anonymous = RedisTools.run("redis-cli", "", 30, "-p", p, "GET", "user:1");
      assertThat(anonymous.stdout()).startsWith("NOPERM SL003 user default has no rights");
    } finally {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * {@code --upstream}: the jar alone reaches a real Redis (its Lettuce is inside); a key set
   * through the node is in that Redis.
   */
  @Test
  void upstreamRedis_fromTheJar() throws Exception {
    RedisServerExtension redis = new RedisServerExtension();
    redis.start();
    try {
      Process process = java("--port", "0", "--upstream", redis.uri());
      try {
        BufferedReader log =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String p = Integer.toString(readyPort(log, lines));
        RedisTools.Result set =
            RedisTools.run("redis-cli", "", 30, "-p", p, "SET", "user:1", "Ada");
        assertThat(set.stdout()).as("SET through the node; log: %s", lines).isEqualTo("OK\n");
        RedisTools.Result upstream =
            RedisTools.run(
                "redis-cli", "", 30, "-p", Integer.toString(redis.port()), "GET", "user:1");
        assertThat(upstream.stdout()).isEqualTo("Ada\n");
        RedisTools.Result get = RedisTools.run("redis-cli", "", 30, "-p", p, "GET", "user:1");
        assertThat(get.stdout()).isEqualTo("Ada\n");
      } finally {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      redis.close();
    }
  }

  /** {@code --classpath} and a manifest class in it: the application's jar, not the node's. */
  @Test
  void manifestClassFromTheClasspathOption() throws Exception {
    Process process =
        java(
            "--port",
            "0",
            "--classpath",
            Path.of("target", "test-classes").toString(),
            "--manifest",
            ShopManifest.class.getName(),
            "--user",
            "users:s3cret");
    try {
      BufferedReader log =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String p = Integer.toString(readyPort(log, lines));
      RedisTools.Result set = asUsers(p, "SET", "user:1", "Ada");
      assertThat(set.stdout()).isEqualTo("OK\n");
      RedisTools.Result unowned = asUsers(p, "SET", "order:1", "x");
      assertThat(unowned.stdout()).startsWith("NOPERM SL003");
    } finally {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    Process missing =
        java("--port", "0", "--classpath", "no/such.jar", "--manifest", "com.example.AppCache");
    String out = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(missing.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(missing.exitValue()).isEqualTo(2);
    assertThat(out).contains("--classpath: no such jar or directory: no/such.jar");
  }

  @Test
  void sigterm_shutsDownGracefully() throws Exception {
    Process process = java("--port", "0", "--requirepass", "s3cret");
    try {
      BufferedReader log =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      int port = readyPort(log, lines);
      RedisTools.Result ping =
          RedisTools.run(
              "redis-cli",
              "",
              30,
              "-p",
              Integer.toString(port),
              "--no-auth-warning",
              "-a",
              "s3cret",
              "PING");
      assertThat(ping.stdout()).isEqualTo("PONG\n");

      process.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our pipes)
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (String line; (line = log.readLine()) != null; ) {
        lines.add(line);
      }
      assertThat(String.join("\n", lines)).contains("shutting down").contains("stopped");
      assertThat(process.exitValue()).isIn(0, 143);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void jarIsSelfContained() throws IOException {
    assertThat(Files.size(jar())).isGreaterThan(1_000_000);
  }
}
