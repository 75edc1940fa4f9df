package dev.stateless.edge;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs Redis's own command-line clients ({@code redis-cli}, {@code redis-benchmark})
 * against a node. They come with Debian's {@code redis-tools} (installed with {@code redis-server},
 * which {@code .ci/run} installs): the system property {@code stateless.redis.<name>} names one,
 * else the {@code PATH} is searched. A missing binary fails the test where the tools are required
 * (environment variable {@value #REQUIRED}, which {@code .ci/run} sets); elsewhere (a machine with
 * only a JDK and Maven, running the README's test command) the test is aborted, reported as skipped
 * with the reason: no Maven artifact carries these binaries.
 */
final class RedisTools {
  private RedisTools() {}

  /** Set (to anything) where a missing redis-cli or redis-benchmark must fail the tests. */
  static final String REQUIRED = "STATELESS_REQUIRE_REDIS_TOOLS";

  /** A finished process: its exit code and output. */
  record Result(int exitCode, String stdout, String stderr) {}

  static Path binary(String name) {
    String configured = System.getProperty("stateless.redis." + name.replace("redis-", ""));
    if (configured != null) {
      return Path.of(configured);
    }
    String path = System.getenv("PATH");
    for (String dir :
        (path == null ? "/usr/bin" : path + File.pathSeparator + "/usr/bin")
            .split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String missing =
        name
            + " not found on the PATH; install it (apt-get install redis-tools) or name it with"
            + " -Dstateless.redis."
            + name.replace("redis-", "")
            + "=/path/to/"
            + name;
    if (System.getenv(REQUIRED) != null) {
      throw new IllegalStateException(missing);
    }
    Assumptions.abort(missing);
    throw new AssertionError("unreachable");
  }

  /** Runs {@code name} with {@code args}, {@code stdin} as its input, within {@code seconds}. */
  static Result run(String name, String stdin, long seconds, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary(name).toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      try {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        StreamReader out = new StreamReader(process.getInputStream());
        StreamReader err = new StreamReader(process.getErrorStream());
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
          throw new AssertionError(name + " did not finish in " + seconds + " s: " + command);
        }
        return new Result(process.exitValue(), out.text(), err.text());
      } finally {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Drains a stream on its own thread, so a chatty process never blocks on a full pipe. */
  static final class StreamReader {
    private final Thread thread;
    private final StringBuilder text = new StringBuilder();

    StreamReader(InputStream in) {
      thread =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try {
                  for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (text) {
                      text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "redis-tools-reader");
      thread.setDaemon(true);
      thread.start();
    }

    String text() throws InterruptedException {
      thread.join(5_000);
      synchronized (text) {
        return text.toString();
      }
    }

    /** What was read so far. */
    String soFar() {
      synchronized (text) {
        return text.toString();
      }
    }
  }
}
