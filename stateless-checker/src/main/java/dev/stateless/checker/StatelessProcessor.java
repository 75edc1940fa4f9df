package dev.stateless.checker;

import com.sun.source.util.JavacTask;
import java.lang.reflect.Field;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * The stateless borrow checker as an annotation processor, for builds that name it ({@code
 * -processor dev.stateless.checker.StatelessProcessor}, or a processor handed to javac through its
 * API, as compile-testing's {@code withProcessors} does). It is not a service: putting {@code
 * stateless-checker} on the processor path starts {@link StatelessPlugin}, which does the same
 * checks without an annotation processing round.
 *
 * <p>It checks every {@code @CacheManifest} class against the manifest rules, and the body of every
 * method covered by {@code @CacheAccess} against the access rules, both from {@code
 * stateless-core}. Body checks need attributed trees, which annotation processing rounds do not
 * have: the processor registers a {@link com.sun.source.util.TaskListener} and checks each
 * top-level class when javac has analyzed it. Reports go through javac, each starting with the
 * rule's code ({@code error[SL002]: ...}). Where the plugin runs too, the two share one checker.
 *
 * <p>Options: {@code -Astateless.strict} reports what may break a rule (and calls in methods
 * without {@code @CacheAccess}) as warnings; {@code -Astateless.manifest=com.acme.AppCache} names
 * the manifest when it cannot be found by package. See {@code docs/checker.md}.
 */
@SupportedAnnotationTypes("dev.stateless.annotation.*")
@SupportedOptions({CheckerOptions.STRICT, CheckerOptions.MANIFEST})
public final class StatelessProcessor extends AbstractProcessor {
  private @Nullable Checker checker;

  /** Creates the processor; javac calls this through the service loader. */
  public StatelessProcessor() {}

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    ProcessingEnvironment javacEnv = unwrap(env);
    // The plugin (StatelessPlugin) may have attached first: either way, one checker per build.
    checker = javacEnv != null ? Checker.attach(JavacTask.instance(javacEnv)) : Checker.current();
    if (checker == null) {
      env.getMessager()
          .printMessage(
              Diagnostic.Kind.WARNING,
              "stateless-checker: this compiler ("
                  + env.getClass().getName()
                  + ") is not javac, or hides it: nothing is checked\n  = help: compile with"
                  + " javac (JDK 17 or later); see docs/checker.md");
      return;
    }
    checker.configure(env.getMessager(), CheckerOptions.of(env.getOptions()), true);
  }

  @Override
  @SuppressWarnings("DoNotClaimAnnotations") // claims only dev.stateless.annotation.*, on purpose
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    // Claims only stateless's own annotations, so -Xlint:processing has nothing to say about them;
    // every other annotation stays visible to other processors.
    return true;
  }

  /**
   * Returns javac's own environment: build tools may wrap it (Gradle does, to track incremental
   * processing), and {@link JavacTask#instance} accepts only javac's.
   */
  private static @Nullable ProcessingEnvironment unwrap(ProcessingEnvironment env) {
    @Nullable ProcessingEnvironment at = env;
    for (int depth = 0; depth < 4 && at != null; depth++) {
      if (at.getClass().getName().startsWith("com.sun.tools.javac.")) {
        return at;
      }
      at = delegateOf(at);
    }
    return null;
  }

  private static @Nullable ProcessingEnvironment delegateOf(ProcessingEnvironment wrapper) {
    for (Class<?> c = wrapper.getClass(); c != null; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (ProcessingEnvironment.class.isAssignableFrom(f.getType())) {
          try {
            f.setAccessible(true);
            return (ProcessingEnvironment) f.get(wrapper);
          } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // a wrapper we cannot open: the warning in init() says what is lost
          }
        }
      }
    }
    return null;
  }
}
