package dev.stateless.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stateless.annotation.CacheAccess;
import dev.stateless.core.Manifest;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code javac} of JDK 17 and of JDK 25, in a child process, finds the checker with no
 * flag at all: on the class path, on the processor path (what Maven's {@code
 * annotationProcessorPaths} and Gradle's {@code annotationProcessor} pass), or with {@code
 * -proc:full}; each time the plugin starts by itself, no annotation processing round runs for it,
 * and each finding is reported once. Plugin arguments, and the named processor's {@code -A}
 * options. An integration test: each case starts a child javac (a JVM of its own, 1-2 s, and JDK
 * 25's cases an installed JDK); {@link JavacDiscoveryTest} holds the in-process case.
 */
class JavacDiscoveryIT {
  private static final Path JDK25 =
      Paths.get(
          System.getenv().getOrDefault("STATELESS_JDK25", "/usr/lib/jvm/temurin-25-jdk-amd64"));

  @TempDir Path dir;
  private Path source;

  @BeforeEach
  void writeSources() throws IOException {
    Path pkg = dir.resolve("src/app");
    Files.createDirectories(pkg);
    Files.writeString(
        pkg.resolve("AppCache.java"),
        String.join(
            "\n",
            "package app;",
            "import dev.stateless.annotation.*;",
            "@CacheManifest",
            "public class AppCache {",
            "  @Owns(\"product:*\") Object products;",
            "}",
            ""));
    source = pkg.resolve("Catalog.java");
    Files.writeString(
        source,
        String.join(
            "\n",
            "package app;",
            "import dev.stateless.StatelessCache;",
            "import dev.stateless.annotation.CacheAccess;",
            "class Catalog {",
            "  @CacheAccess(borrows = \"product:*\")",
            "  void updateProduct(StatelessCache cache, int id, String data) {",
            "    cache.set(\"product:\" + id, data);",
            "  }",
            "  void plain(StatelessCache cache) {",
            "    cache.set(\"temp:1\", \"x\"); // strict mode only: a key no component owns",
            "  }",
            "}",
            ""));
  }

  private static String processorPath() throws URISyntaxException {
    List<String> parts = new ArrayList<>();
    for (Class<?> c :
        new Class<?>[] {StatelessProcessor.class, Manifest.class, CacheAccess.class}) {
      parts.add(
          Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(File.pathSeparator, parts);
  }

  /** Runs javac; the class path holds the runtime API and, like a plain build's, the checker. */
  private Result javac(Path jdk, String... flags) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(jdk.resolve("bin/javac").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-d");
    cmd.add(dir.resolve("out-" + System.nanoTime()).toString());
    cmd.addAll(List.of(flags));
    cmd.add(dir.resolve("src/app/AppCache.java").toString());
    cmd.add(source.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static final class Result {
    final int exit;
    final String output;

    Result(int exit, String output) {
      this.exit = exit;
      this.output = output;
    }
  }

  private void assertChecked(Result r) {
    assertThat(r.exit).as(r.output).isEqualTo(1);
    assertThat(r.output).as("reported once, by the plugin or the processor").contains("1 error");
    assertThat(r.output)
        .contains("Catalog.java:7: error: error[SL002]: write to borrowed pattern \"product:*\"")
        .contains("= help:");
  }

  private static final Path JDK17 = Paths.get(System.getProperty("java.home"));
  private static final String STRICT_WARNING =
      "Catalog.java:10: warning: warning[SL003]: write to key \"temp:1\", which no component owns";

  @Test
  void jdk17_onTheProcessorPath_addsNoAnnotationProcessingRound() throws Exception {
    Result r = javac(JDK17, "-processorpath", processorPath(), "-XprintRounds");
    assertChecked(r);
    assertThat(r.output).doesNotContain("Round 1:").doesNotContain("warning[");
  }

  @Test
  void jdk17_pluginArguments_setStrictMode() throws Exception {
    Result r =
        javac(JDK17, "-processorpath", processorPath(), "-Xplugin:stateless stateless.strict");
    assertChecked(r);
    assertThat(r.output).contains(STRICT_WARNING).contains("1 warning");
  }

  @Test
  void jdk17_theNamedProcessor_takesTheAOptions() throws Exception {
    Result r =
        javac(
            JDK17,
            "-processorpath",
            processorPath(),
            "-processor",
            StatelessProcessor.class.getName(),
            "-Astateless.strict",
            "-XprintRounds");
    assertChecked(r);
    assertThat(r.output).contains("Round 1:").contains(STRICT_WARNING).contains("1 warning");
  }

  @Test
  void jdk17_anUnknownPluginArgument_isSL012() throws Exception {
    Result r = javac(JDK17, "-processorpath", processorPath(), "-Xplugin:stateless strict");
    assertThat(r.exit).as(r.output).isEqualTo(1);
    assertThat(r.output)
        .contains("error: error[SL012]: unknown stateless-checker option \"strict\"")
        .contains("= help: the options are stateless.strict and stateless.manifest=")
        .contains("2 errors"); // and the borrowed write, still checked
  }

  @Test
  void jdk17_findsTheCheckerOnTheClassPath_withNoFlag() throws Exception {
    assertChecked(javac(Paths.get(System.getProperty("java.home"))));
  }

  @Test
  void jdk17_findsTheCheckerOnTheProcessorPath() throws Exception {
    assertChecked(
        javac(Paths.get(System.getProperty("java.home")), "-processorpath", processorPath()));
  }

  @Test
  void jdk25_findsTheCheckerOnTheProcessorPath() throws Exception {
    assumeTrue(Files.isExecutable(JDK25.resolve("bin/javac")), "JDK 25 not installed at " + JDK25);
    assertChecked(javac(JDK25, "-processorpath", processorPath()));
  }

  @Test
  void jdk25_findsTheCheckerOnTheClassPath_withProcFull() throws Exception {
    assumeTrue(Files.isExecutable(JDK25.resolve("bin/javac")), "JDK 25 not installed at " + JDK25);
    assertChecked(javac(JDK25, "-proc:full"));
  }

  @Test
  void jdk25_withNoFlag_checksThroughThePlugin() throws Exception {
    assumeTrue(Files.isExecutable(JDK25.resolve("bin/javac")), "JDK 25 not installed at " + JDK25);
    // javac 23+ ignores processors on the class path by default; the plugin starts by itself.
    assertChecked(javac(JDK25));
  }
}
