package dev.stateless.bench;

import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;

/**
 * The checker's compile-time overhead (issue 5, "Measure"): compiles the project {@link
 * CheckerOverheadGenerator} writes (1,000 classes, half with {@code @CacheAccess} methods) with
 * {@code -proc:none} and with {@code stateless-checker} on the processor path (javac starts its
 * plugin, and runs no annotation processor), alternating, and prints each run's wall time, the
 * medians and their ratio (the goal is below 1.10x). Two more configurations show what an
 * annotation processor costs: a processor that does nothing (javac's own cost of processing rounds)
 * and the checker's processor named with {@code -processor} (the checker as it was while its
 * processor was a service). Every run also prints its CPU time (all threads of the compiling JVM:
 * javac, JIT compiler, GC), which a machine shared with other work disturbs less than wall time.
 *
 * <p>Two ways to run javac:
 *
 * <ul>
 *   <li>{@code in-process}: {@link ToolProvider#getSystemJavaCompiler()} in this JVM after warm-up
 *       compiles, as Maven's compiler plugin and Gradle's compiler daemon run it. javac is warm but
 *       the processor is not: javac loads the processor path in a new class loader for each
 *       compile, so the checker's and core's code is interpreted and JIT-compiled again each time
 *       (the runs print the JIT time). Each run also prints the compiling thread's CPU time. A last
 *       configuration, "warm checker", starts a plugin instance whose classes this JVM loaded once
 *       on the compile's task: the checker's own work with its code as warm as javac's, which
 *       separates the checker's algorithms from the cost of reloading it per compile.
 *   <li>{@code fork}: the {@code javac} launcher of this JDK, a fresh JVM per compile (Maven with
 *       {@code <fork>true</fork>}, a command-line build): javac and the processor both start cold.
 *       CPU time comes from {@code /usr/bin/time} where there is one.
 * </ul>
 *
 * <p>Before timing anything it checks that each configuration compiles the project with no
 * diagnostic at all (the compiles use {@code -Xlint:all,-processing}), and that the processor
 * really runs: the project plus one class that writes a borrowed key must fail with SL002 there,
 * and only with the processor. This JVM must not have the checker on its own class path (javac
 * would load the processor from it once for all compiles): run it with {@code
 * stateless-bench/target/classes} alone, as {@code checker-overhead.sh} does. {@code --profile N}
 * then samples the compiling thread during N more compiles with the warm checker and prints where
 * the checker's time goes.
 *
 * <pre>
 * java -cp stateless-bench/target/classes dev.stateless.bench.CheckerOverhead \
 *     --classpath RUNTIME_JARS --processorpath CHECKER:CORE:ANNOTATIONS \
 *     [--mode in-process|fork|both] [--runs 5] [--warmup 3] [--classes 1000] [--work DIR] \
 *     [--profile N]
 * </pre>
 */
public final class CheckerOverhead {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Path TIME = Path.of("/usr/bin/time");

  /** A javac configuration under test. */
  private enum Config {
    BASELINE("-proc:none"),
    NOOP("no-op proc."),
    /** The checker on the processor path: javac starts its plugin, and runs no processor. */
    CHECKER("with checker"),
    /**
     * The checker's processor named ({@code -processor}): what the checker cost while it was a
     * processor service, its rounds included.
     */
    NAMED_PROCESSOR("as processor"),
    /**
     * In-process only: the checker's plugin loaded once, so its code is as warm as javac's, started
     * on each compile's task as javac starts it.
     */
    WARM_CHECKER("warm checker");

    final String label;

    Config(String label) {
      this.label = label;
    }
  }

  private final String classpath;
  private final String processorpath;
  private final Path work;
  private final List<Path> sources;
  private @Nullable Path noopProcessorPath;
  private @Nullable URLClassLoader warmLoader;

  /**
   * One compile's costs in nanoseconds: wall time; the compiling thread's CPU time (in this JVM
   * only, else -1); the CPU time of the whole JVM that compiled (javac, its JIT compiler and GC
   * threads; -1 when unknown); and, in this JVM, the GC and JIT compiler time during the compile.
   */
  private static final class Sample {
    final long wall;
    final long threadCpu;
    final long processCpu;
    final long gc;
    final long jit;

    Sample(long wall, long threadCpu, long processCpu, long gc, long jit) {
      this.wall = wall;
      this.threadCpu = threadCpu;
      this.processCpu = processCpu;
      this.gc = gc;
      this.jit = jit;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%6.2f s", wall / 1e9));
      if (processCpu >= 0) {
        b.append(String.format(Locale.ROOT, "  | CPU %6.2f s", processCpu / 1e9));
      }
      if (threadCpu >= 0) {
        b.append(
            String.format(
                Locale.ROOT,
                " (javac thread %5.2f s, GC %4.2f s, JIT %4.2f s)",
                threadCpu / 1e9,
                gc / 1e9,
                jit / 1e9));
      }
      return b.toString();
    }
  }

  private static long processCpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean operatingSystemMXBean
        ? operatingSystemMXBean.getProcessCpuTime()
        : -1;
  }

  private static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  private CheckerOverhead(String classpath, String processorpath, Path work, List<Path> sources) {
    this.classpath = classpath;
    this.processorpath = processorpath;
    this.work = work;
    this.sources = sources;
  }

  /**
   * Runs the measurement.
   *
   * @param args see the class comment
   * @throws Exception if a compile fails, has diagnostics, or the checker does not run
   */
  public static void main(String[] args) throws Exception {
    String classpath = null;
    String processorpath = null;
    String mode = "both";
    int runs = 5;
    int warmup = 3;
    int classes = 1000;
    int profile = 0;
    Path work = Path.of("stateless-bench/target/checker-overhead");
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--classpath" -> classpath = value;
        case "--processorpath" -> processorpath = value;
        case "--mode" -> mode = Objects.requireNonNull(value, "--mode needs a value");
        case "--runs" -> runs = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--classes" -> classes = Integer.parseInt(value);
        case "--work" -> work = Path.of(value);
        case "--profile" -> profile = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (classpath == null || processorpath == null) {
      throw new IllegalArgumentException("--classpath and --processorpath are required");
    }
    if (!List.of("in-process", "fork", "both").contains(mode)) {
      throw new IllegalArgumentException("--mode must be in-process, fork or both, was " + mode);
    }
    try {
      Class.forName("dev.stateless.checker.StatelessProcessor");
      throw new IllegalStateException(
          "the checker is on this JVM's class path: javac would load it from there once for all"
              + " compiles; run with -cp stateless-bench/target/classes");
    } catch (ClassNotFoundException expected) {
      // javac loads it from --processorpath, as a build does
    }

    Path src = work.resolve("src");
    List<Path> sources = CheckerOverheadGenerator.generate(src, classes);
    CheckerOverhead bench = new CheckerOverhead(classpath, processorpath, work, sources);
    long lines = 0;
    for (Path p : sources) {
      try (Stream<String> s = Files.lines(p)) {
        lines += s.count();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "# %d source files (%d generated classes, half with @CacheAccess), %d lines; %s %s, %d"
            + " cores%n",
        sources.size(),
        classes,
        lines,
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());

    bench.noopProcessorPath = bench.buildNoopProcessor();
    bench.sanityChecks(src);
    if (!mode.equals("fork")) {
      bench.measure("in-process", runs, warmup, bench::compileInProcess);
    }
    if (!mode.equals("in-process")) {
      bench.measure("fork", runs, 0, bench::compileForked);
    }
    if (profile > 0) {
      bench.profile(profile);
    }
  }

  /** One compile; throws when it printed anything. */
  @FunctionalInterface
  private interface Compile {
    Sample run(Config config) throws IOException, InterruptedException;
  }

  private void measure(String mode, int runs, int warmup, Compile compile)
      throws IOException, InterruptedException {
    List<Config> configs =
        mode.equals("fork")
            ? List.of(Config.BASELINE, Config.NOOP, Config.CHECKER, Config.NAMED_PROCESSOR)
            : List.of(Config.values());
    for (int i = 0; i < warmup; i++) {
      for (Config c : configs) {
        Sample t = compile.run(c);
        System.out.printf(Locale.ROOT, "%-10s warm-up %d  %-13s %s%n", mode, i + 1, c.label, t);
      }
    }
    Map<Config, List<Sample>> samples = new EnumMap<>(Config.class);
    for (int i = 0; i < runs; i++) {
      for (Config c : configs) {
        Sample t = compile.run(c);
        samples.computeIfAbsent(c, k -> new ArrayList<>()).add(t);
        System.out.printf(Locale.ROOT, "%-10s run %d      %-13s %s%n", mode, i + 1, c.label, t);
      }
    }
    if (runs == 0) {
      return;
    }
    summarize(mode, "wall", samples, t -> t.wall);
    // every mode measures the baseline
    Sample first = Objects.requireNonNull(samples.get(Config.BASELINE)).get(0);
    if (first.processCpu >= 0) {
      summarize(mode, "CPU", samples, t -> t.processCpu);
    }
    if (first.threadCpu >= 0) {
      summarize(mode, "javac thread CPU", samples, t -> t.threadCpu);
    }
  }

  private static void summarize(
      String mode, String what, Map<Config, List<Sample>> samples, ToLongFunction<Sample> metric) {
    Map<Config, Double> median = new EnumMap<>(Config.class);
    samples.forEach((c, list) -> median.put(c, median(list, metric) / 1e9));
    System.out.printf(
        Locale.ROOT,
        "%-10s median %s: %s%n",
        mode,
        what,
        median.entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey().label, e.getValue()))
            .collect(Collectors.joining(" | ")));
    // every mode measures these three
    double base = Objects.requireNonNull(median.get(Config.BASELINE));
    double checker = Objects.requireNonNull(median.get(Config.CHECKER));
    double noop = Objects.requireNonNull(median.get(Config.NOOP));
    StringBuilder ratios =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "with checker / -proc:none %.3fx (goal < 1.10x) | no-op / -proc:none %.3fx | with"
                    + " checker / no-op %.3fx",
                checker / base,
                noop / base,
                checker / noop));
    Double named = median.get(Config.NAMED_PROCESSOR);
    if (named != null) {
      ratios.append(String.format(Locale.ROOT, " | as processor / -proc:none %.3fx", named / base));
    }
    Double warm = median.get(Config.WARM_CHECKER);
    if (warm != null) {
      ratios.append(String.format(Locale.ROOT, " | warm checker / -proc:none %.3fx", warm / base));
    }
    System.out.printf(Locale.ROOT, "%-10s ratio  %s: %s%n", mode, what, ratios);
  }

  private static double median(List<Sample> samples, ToLongFunction<Sample> metric) {
    long[] sorted = samples.stream().mapToLong(metric).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /** javac's options for a configuration, without the source files. */
  private List<String> options(Config config, Path out) {
    List<String> o = new ArrayList<>();
    // -Xlint:all as this project builds, but without "processing": with any processor on the path
    // javac warns about every annotation no processor claimed, and the checker claims none (other
    // processors must see them). stateless-bench's own build turns it off for JMH's processor.
    o.addAll(
        List.of(
            "-d",
            out.toString(),
            "--release",
            "17",
            "-encoding",
            "UTF-8",
            "-Xlint:all,-processing"));
    o.addAll(List.of("-implicit:none", "-classpath", classpath));
    switch (config) {
      case BASELINE -> o.add("-proc:none");
      case NOOP ->
          o.addAll(
              List.of(
                  "-processorpath",
                  Objects.requireNonNull(noopProcessorPath, "built before measuring").toString()));
      case WARM_CHECKER -> {
        // the plugin instance is started on the task
      }
      case NAMED_PROCESSOR ->
          o.addAll(
              List.of(
                  "-processorpath",
                  processorpath,
                  "-processor",
                  "dev.stateless.checker.StatelessProcessor"));
      default -> o.addAll(List.of("-processorpath", processorpath));
    }
    return o;
  }

  private Path freshOutput(Config config) throws IOException {
    Path out = work.resolve("classes-" + config.name().toLowerCase(Locale.ROOT));
    deleteTree(out);
    Files.createDirectories(out);
    return out;
  }

  private Sample compileInProcess(Config config) throws IOException {
    List<Diagnostic<? extends JavaFileObject>> found = new ArrayList<>();
    Sample t = compileInProcess(config, sources, found);
    if (!found.isEmpty()) {
      throw new IllegalStateException(
          config.label + " compile printed " + found.size() + " diagnostics:\n" + render(found));
    }
    return t;
  }

  /** Compiles in this JVM; returns its costs and adds every diagnostic to {@code found}. */
  private Sample compileInProcess(
      Config config, List<Path> files, List<Diagnostic<? extends JavaFileObject>> found)
      throws IOException {
    Path out = freshOutput(config);
    System.gc();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    long gc0 = gcMillis();
    long jit0 = jitMillis();
    long process0 = processCpu();
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    boolean ok;
    try (StandardJavaFileManager fm =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> units =
          fm.getJavaFileObjectsFromFiles(
              files.stream().map(Path::toFile).collect(Collectors.toList()));
      JavaCompiler.CompilationTask task =
          javac.getTask(null, fm, diagnostics, options(config, out), null, units);
      if (config == Config.WARM_CHECKER) {
        warmPlugin().init((JavacTask) task);
      }
      ok = task.call();
    }
    long wall = System.nanoTime() - t0;
    long thread = THREADS.getCurrentThreadCpuTime() - cpu0;
    long process = process0 < 0 ? -1 : processCpu() - process0;
    Sample t =
        new Sample(
            wall,
            thread,
            process,
            (gcMillis() - gc0) * 1_000_000L,
            (jitMillis() - jit0) * 1_000_000L);
    found.addAll(diagnostics.getDiagnostics());
    if (!ok && found.isEmpty()) {
      throw new IllegalStateException(config.label + " compile failed without a diagnostic");
    }
    return t;
  }

  private Sample compileForked(Config config) throws IOException, InterruptedException {
    Path out = freshOutput(config);
    Path argfile = work.resolve("javac-" + config.name().toLowerCase(Locale.ROOT) + ".args");
    try (Writer w = Files.newBufferedWriter(argfile, StandardCharsets.UTF_8)) {
      for (String a : options(config, out)) {
        w.write(quote(a));
        w.write('\n');
      }
      for (Path p : sources) {
        w.write(quote(p.toString()));
        w.write('\n');
      }
    }
    Path log = work.resolve("javac-" + config.name().toLowerCase(Locale.ROOT) + ".log");
    String javac =
        Path.of(System.getProperty("java.home"), "bin", "javac").toString()
            + (File.separatorChar == '\\' ? ".exe" : "");
    // /usr/bin/time, where there is one, gives the javac JVM's CPU time (all its threads).
    Path times = work.resolve("javac-" + config.name().toLowerCase(Locale.ROOT) + ".time");
    Files.deleteIfExists(times);
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(TIME)) {
      command.addAll(List.of(TIME.toString(), "-f", "%U %S", "-o", times.toString()));
    }
    command.addAll(List.of(javac, "@" + argfile));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    int exit = pb.start().waitFor();
    long wall = System.nanoTime() - t0;
    long cpu = -1;
    if (Files.exists(times)) {
      String[] userSys =
          Files.readString(times, StandardCharsets.UTF_8).trim().split("\\s+", -1); // trimmed
      cpu =
          Math.round(
              (Double.parseDouble(userSys[userSys.length - 2])
                      + Double.parseDouble(userSys[userSys.length - 1]))
                  * 1e9);
    }
    Sample t = new Sample(wall, -1, cpu, 0, 0);
    String printed = Files.readString(log, StandardCharsets.UTF_8);
    if (exit != 0 || !printed.isBlank()) {
      throw new IllegalStateException(
          config.label + " javac exited " + exit + " and printed:\n" + printed);
    }
    return t;
  }

  private static String quote(String arg) {
    return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * A new checker instance whose classes were loaded once, from the processor path, for all
   * compiles: how much of the checker's overhead is its work, and how much is loading, running
   * interpreted and JIT-compiling its code again in each compile (as javac's own processor class
   * loader makes it).
   */
  private Plugin warmPlugin() throws IOException {
    try {
      if (warmLoader == null) {
        List<URL> urls = new ArrayList<>();
        for (String entry : processorpath.split(File.pathSeparator, -1)) {
          if (!entry.isEmpty()) { // an empty entry names nothing (javac skips it too)
            urls.add(Path.of(entry).toUri().toURL());
          }
        }
        warmLoader =
            new URLClassLoader(urls.toArray(new URL[0]), CheckerOverhead.class.getClassLoader());
      }
      return (Plugin)
          warmLoader
              .loadClass("dev.stateless.checker.StatelessPlugin")
              .getConstructor()
              .newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create the checker from " + processorpath, e);
    }
  }

  /**
   * Compiles a processor that does nothing (it sees every annotation and claims none, as the
   * checker does) into its own directory: what any annotation processor costs javac (processing
   * rounds, entering every class again after them) apart from the checker's own work.
   */
  private Path buildNoopProcessor() throws IOException {
    Path dir = work.resolve("noop-processor");
    deleteTree(dir);
    Path src = dir.resolve("src/bench/noop/NoopProcessor.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        """
        package bench.noop;
        import java.util.Set;
        import javax.annotation.processing.*;
        import javax.lang.model.SourceVersion;
        import javax.lang.model.element.TypeElement;
        @SupportedAnnotationTypes("*")
        public final class NoopProcessor extends AbstractProcessor {
          @Override public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
          }
          @Override public boolean process(Set<? extends TypeElement> a, RoundEnvironment r) {
            return false;
          }
        }
        """,
        StandardCharsets.UTF_8);
    Path classes = dir.resolve("classes");
    Path services = classes.resolve("META-INF/services/javax.annotation.processing.Processor");
    Files.createDirectories(services.getParent());
    Files.writeString(services, "bench.noop.NoopProcessor\n", StandardCharsets.UTF_8);
    int exit =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-proc:none",
                "--release",
                "17",
                "-d",
                classes.toString(),
                src.toString());
    if (exit != 0) {
      throw new IllegalStateException("cannot compile the no-op processor");
    }
    return classes;
  }

  /**
   * Each configuration compiles the project with no diagnostic; with one class that writes a
   * borrowed key added, the checker reports exactly one error, SL002 in that class, and {@code
   * -proc:none} none.
   */
  private void sanityChecks(Path src) throws IOException {
    for (Config c : Config.values()) {
      Sample t = compileInProcess(c);
      System.out.printf(
          Locale.ROOT, "# check: %-13s compiles with no diagnostic (%s)%n", c.label, t);
    }
    Path broken = CheckerOverheadGenerator.writeBrokenClass(src);
    try {
      List<Path> withBroken = new ArrayList<>(sources);
      withBroken.add(broken);
      List<Diagnostic<? extends JavaFileObject>> none = new ArrayList<>();
      compileInProcess(Config.BASELINE, withBroken, none);
      if (!none.isEmpty()) {
        throw new IllegalStateException(
            "-proc:none reports on the SL002 class, so the check proves nothing:\n" + render(none));
      }
      List<Diagnostic<? extends JavaFileObject>> found = new ArrayList<>();
      compileInProcess(Config.CHECKER, withBroken, found);
      List<Diagnostic<? extends JavaFileObject>> errors =
          found.stream()
              .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
              .collect(Collectors.toList());
      boolean sl002 =
          errors.size() == 1
              && errors.get(0).getMessage(Locale.ROOT).contains("error[SL002]")
              && errors.get(0).getSource() != null
              && errors.get(0).getSource().getName().endsWith("BrokenWriter.java");
      if (!sl002) {
        throw new IllegalStateException(
            "the checker did not report exactly one SL002 in BrokenWriter.java; it printed:\n"
                + render(found));
      }
      System.out.printf(
          Locale.ROOT,
          "# check: with checker, one class writing a borrowed key fails: %s:%d %s%n",
          Path.of(errors.get(0).getSource().getName()).getFileName(),
          errors.get(0).getLineNumber(),
          errors.get(0).getMessage(Locale.ROOT).lines().findFirst().orElse(""));
    } finally {
      Files.delete(broken);
    }
  }

  private static String render(List<Diagnostic<? extends JavaFileObject>> found) {
    return found.stream()
        .limit(20)
        .map(
            d ->
                d.getKind()
                    + " "
                    + (d.getSource() == null
                        ? ""
                        : d.getSource().getName() + ":" + d.getLineNumber())
                    + " "
                    + d.getMessage(Locale.ROOT))
        .collect(Collectors.joining("\n"));
  }

  /**
   * Samples the compiling thread every millisecond during {@code compiles} compiles with the warm
   * checker (its steady state, not its warm-up) and prints where the checker's time goes: the share
   * of samples inside {@code dev.stateless}, the outermost and innermost {@code dev.stateless}
   * frames, the innermost checker frame (core's work charged to its caller), what the checker
   * calls, and the innermost frames of those samples, most frequent first. Samples are taken at
   * safepoints, so they lean towards loop ends and calls.
   */
  private void profile(int compiles) throws IOException, InterruptedException {
    Map<String, Integer> checkerFrames = new HashMap<>();
    Map<String, Integer> leaves = new HashMap<>();
    Map<String, Integer> entries = new HashMap<>();
    Map<String, Integer> callees = new HashMap<>();
    Map<String, Integer> sites = new HashMap<>();
    Map<String, Integer> throwers = new HashMap<>();
    int total = 0;
    int inChecker = 0;
    for (int i = 0; i < compiles; i++) {
      Thread compiler = Thread.currentThread();
      AtomicBoolean done = new AtomicBoolean();
      int[] counts = new int[2];
      Thread sampler =
          new Thread(
              () -> {
                while (!done.get()) {
                  StackTraceElement[] stack = compiler.getStackTrace();
                  counts[0]++;
                  int innermost = -1;
                  int outermost = -1;
                  int checkerFrame = -1;
                  for (int f = 0; f < stack.length; f++) {
                    String c = stack[f].getClassName();
                    if (c.startsWith("dev.stateless.") && !c.startsWith("dev.stateless.bench.")) {
                      if (innermost < 0) {
                        innermost = f;
                      }
                      if (checkerFrame < 0 && c.startsWith("dev.stateless.checker.")) {
                        checkerFrame = f;
                      }
                      outermost = f;
                    }
                  }
                  if (innermost >= 0) {
                    counts[1]++;
                    checkerFrames.merge(frame(stack[innermost]), 1, Integer::sum);
                    leaves.merge(frame(stack[0]), 1, Integer::sum);
                    if (checkerFrame >= 0) {
                      sites.merge(frame(stack[checkerFrame]), 1, Integer::sum);
                    }
                    if (stack[0].getMethodName().equals("fillInStackTrace")) {
                      StringBuilder thrower = new StringBuilder();
                      for (int f = 0; f < stack.length && f < 12; f++) {
                        thrower.append(f == 0 ? "" : " <- ").append(frame(stack[f]));
                      }
                      throwers.merge(thrower.toString(), 1, Integer::sum);
                    }
                    if (innermost > 0) {
                      callees.merge(
                          frame(stack[innermost - 1]) + " <- " + frame(stack[innermost]),
                          1,
                          Integer::sum);
                    }
                    entries.merge(frame(stack[outermost]), 1, Integer::sum);
                  }
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "checker-profile");
      sampler.setDaemon(true);
      sampler.start();
      Sample t;
      try {
        t = compileInProcess(Config.WARM_CHECKER);
      } finally {
        done.set(true);
        sampler.join();
      }
      total += counts[0];
      inChecker += counts[1];
      System.out.printf(Locale.ROOT, "profile    compile %d  warm checker  %s%n", i + 1, t);
    }
    System.out.printf(
        Locale.ROOT,
        "profile    %d samples, %d (%.1f%%) inside dev.stateless%n",
        total,
        inChecker,
        100.0 * inChecker / Math.max(1, total));
    printTop("outermost dev.stateless frame (entry points)", entries, inChecker);
    printTop(
        "innermost dev.stateless.checker frame (core's work charged to its caller)",
        sites,
        inChecker);
    printTop("innermost dev.stateless frame", checkerFrames, inChecker);
    printTop("what the innermost dev.stateless frame calls", callees, inChecker);
    printTop("innermost frame of those samples", leaves, inChecker);
    printTop("exceptions created (stack)", throwers, inChecker);
  }

  private static String frame(StackTraceElement e) {
    return e.getClassName() + "." + e.getMethodName() + ":" + e.getLineNumber();
  }

  private static void printTop(String title, Map<String, Integer> counts, int of) {
    System.out.println("profile    -- " + title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(25)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "profile    %6d %5.1f%%  %s%n",
                    e.getValue(),
                    100.0 * e.getValue() / Math.max(1, of),
                    e.getKey()));
  }

  /** Deletes a directory tree if it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
