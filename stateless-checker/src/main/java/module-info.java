/**
 * The compile-time borrow checker: an annotation processor and a javac plugin that starts itself,
 * both provided as services. It exports nothing; javac finds it on the processor path (through
 * {@code META-INF/services} there, or these {@code provides} on a processor module path).
 */
module dev.stateless.checker {
  requires dev.stateless.core;
  requires jdk.compiler;

  provides javax.annotation.processing.Processor with
      dev.stateless.checker.StatelessProcessor;
  provides com.sun.source.util.Plugin with
      dev.stateless.checker.StatelessPlugin;
}
