/**
 * The compile-time borrow checker: a javac plugin that starts itself, provided as a service, so no
 * annotation processing round is added to a build. It exports nothing; javac finds it on the
 * processor path (through {@code META-INF/services} there, or this {@code provides} on a processor
 * module path). Its annotation processor is not a service: javac runs it only when named ({@code
 * -processor dev.stateless.checker.StatelessProcessor}).
 */
module dev.stateless.checker {
  requires dev.stateless.core;
  requires jdk.compiler;

  provides com.sun.source.util.Plugin with
      dev.stateless.checker.StatelessPlugin;
}
