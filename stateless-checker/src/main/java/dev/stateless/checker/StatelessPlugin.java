package dev.stateless.checker;

import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The borrow checker as a javac plugin that starts itself ({@link #autoStart()}): javac runs it
 * whenever {@code stateless-checker} is on the processor path or class path, also where annotation
 * processing does not run (javac 23 and later with the checker on the class path, a compilation
 * given an explicit empty list of processors). With {@link StatelessProcessor} in the same build,
 * both attach to one checker, so nothing is reported twice; the processor's {@code -A} options win.
 *
 * <p>Started explicitly ({@code -Xplugin:"stateless stateless.strict"}) it takes {@code
 * stateless.strict} as an argument.
 */
public final class StatelessPlugin implements Plugin {
  /** Creates the plugin; javac calls this through the service loader. */
  public StatelessPlugin() {}

  @Override
  public String getName() {
    return "stateless";
  }

  @Override
  public boolean autoStart() {
    return true;
  }

  @Override
  public void init(JavacTask task, String... args) {
    Map<String, @Nullable String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        options.put(arg, null);
      } else {
        options.put(arg.substring(0, eq), arg.substring(eq + 1));
      }
    }
    options.remove(CheckerOptions.MANIFEST); // -Astateless.manifest needs the processor's messages
    Checker.attach(task).configure(null, CheckerOptions.of(options), false);
  }
}
