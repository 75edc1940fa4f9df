package dev.stateless.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * Child JVMs for tests that need a second process (a small heap, a process to kill): the command
 * that runs a test class's {@code main} on this JVM's test class path, or that command run to its
 * end with its output and exit code.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** What a child printed (stdout and stderr together) and how it exited. */
  public record Result(int exitCode, String output) {}

  /**
   * The command that runs {@code main}'s {@code main(String[])} in a new JVM of this one's Java,
   * with the test class path, the JVM options {@code jvmOptions} and the arguments {@code args}.
   */
  public static List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(testClassPath());
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Runs {@code main} with the given JVM options and arguments, and waits for it to end.
   *
   * @throws IllegalStateException if it does not end within {@code timeoutMinutes}
   */
  public static Result run(
      List<String> jvmOptions, Class<?> main, List<String> args, long timeoutMinutes)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command(main, jvmOptions, args.toArray(new String[0])))
            .redirectErrorStream(true)
            .start();
    String output;
    try (InputStream out = p.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(main.getName() + " did not end in time:\n" + output);
    }
    return new Result(p.exitValue(), output);
  }

  /**
   * The test class path: {@code java.class.path}, or, when Surefire or Failsafe runs the tests from
   * a manifest-only jar, the jar's {@code Class-Path}.
   */
  public static String testClassPath() {
    String cp = System.getProperty("java.class.path");
    String[] entries = cp.split(File.pathSeparator);
    if (entries.length != 1 || !entries[0].endsWith(".jar")) {
      return cp;
    }
    try (JarFile jar = new JarFile(entries[0])) {
      String manifestCp = jar.getManifest().getMainAttributes().getValue("Class-Path");
      if (manifestCp == null) {
        return cp;
      }
      List<String> paths = new ArrayList<>();
      paths.add(entries[0]);
      for (String url : manifestCp.trim().split("\\s+")) {
        paths.add(Path.of(java.net.URI.create(url)).toString());
      }
      return String.join(File.pathSeparator, paths);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class path of " + entries[0], e);
    }
  }
}
