package dev.stateless.checker;

import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The borrow checker as a javac plugin that starts itself ({@link #autoStart()}): javac runs it
 * whenever {@code stateless-checker} is on the processor path (or, with no processor path, the
 * class path). It is the checker's only service, so the checker adds no annotation processing round
 * to a build: javac enters every class again after such a round, which alone costs more than
 * checking.
 *
 * <p>Options are the plugin's arguments: {@code -Xplugin:"stateless stateless.strict"}, {@code
 * -Xplugin:"stateless stateless.manifest=com.acme.AppCache"} (one compiler argument; Maven's {@code
 * <arg>-Xplugin:stateless stateless.strict</arg>}). An unknown argument is {@code SL012}. With
 * {@link StatelessProcessor} also in the build both attach to one checker, so nothing is reported
 * twice, and the processor's {@code -A} options win.
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
    List<String> unknown = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (!CheckerOptions.NAMES.contains(name)) {
        unknown.add(arg);
      } else {
        options.put(name, eq < 0 ? null : arg.substring(eq + 1));
      }
    }
    Checker.attach(task).configure(null, CheckerOptions.of(options, unknown), false);
  }
}
