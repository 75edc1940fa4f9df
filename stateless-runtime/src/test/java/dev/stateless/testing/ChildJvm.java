package dev.stateless.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * Child JVMs for tests that need a second process (a small heap, a process to kill): the command
 * that runs a test class's {@code main} on this JVM's test class path.
 */
public final class ChildJvm {
  private ChildJvm() {}

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
